namespace Berth.Core.Identity.Signing;

/// <summary>
/// A request whose signature is well formed and recent enough (<see cref="SigV4Verifier.TryInspect"/>): it
/// names the access key whose secret decides the rest (<see cref="SigV4Verifier.Verify"/>).
/// </summary>
public sealed record SignedRequest
{
    internal SignedRequest(
        SigV4Request request,
        string accessKeyId,
        string scopeDate,
        string region,
        string service,
        IReadOnlyList<string> signedHeaders,
        string signature,
        string amzDate,
        DateTimeOffset signedAt,
        string? sessionToken,
        string payloadHash,
        bool isPresigned)
    {
        Request = request;
        AccessKeyId = accessKeyId;
        ScopeDate = scopeDate;
        Region = region;
        Service = service;
        SignedHeaders = signedHeaders;
        Signature = signature;
        AmzDate = amzDate;
        SignedAt = signedAt;
        SessionToken = sessionToken;
        PayloadHash = payloadHash;
        IsPresigned = isPresigned;
    }

    public string AccessKeyId { get; }

    /// <summary>The credential scope's region.</summary>
    public string Region { get; }

    /// <summary>The credential scope's service signing name.</summary>
    public string Service { get; }

    /// <summary>The session token the request carries (X-Amz-Security-Token), if any.</summary>
    public string? SessionToken { get; }

    public DateTimeOffset SignedAt { get; }

    /// <summary>Signed in the query string (a presigned URL) rather than the Authorization header.</summary>
    public bool IsPresigned { get; }

    internal SigV4Request Request { get; }

    internal string ScopeDate { get; }

    internal IReadOnlyList<string> SignedHeaders { get; }

    internal string Signature { get; }

    /// <summary>The signing time as the client wrote it, which the string to sign repeats.</summary>
    internal string AmzDate { get; }

    /// <summary>The payload hash the canonical request ends with.</summary>
    internal string PayloadHash { get; }
}
