namespace Berth.Core.Identity.Signing;

/// <summary>A refused signature: the kind, and the message AWS gives for it.</summary>
public sealed record SigV4Failure(SigV4FailureKind Kind, string Message)
{
    /// <summary>The error code of the AWS JSON and RPC v2 CBOR protocols (<c>__type</c>).</summary>
    public string JsonCode => Kind switch
    {
        SigV4FailureKind.MissingAuthenticationToken => "MissingAuthenticationTokenException",
        SigV4FailureKind.IncompleteSignature => "IncompleteSignatureException",
        SigV4FailureKind.UnrecognizedClient => "UnrecognizedClientException",
        SigV4FailureKind.InvalidSignature => "InvalidSignatureException",
        SigV4FailureKind.ExpiredToken => "ExpiredTokenException",
        SigV4FailureKind.PayloadHashMismatch => "XAmzContentSHA256Mismatch",
        _ => throw new InvalidOperationException($"Unknown failure kind {Kind}."),
    };

    /// <summary>The error code of the query protocol (<c>&lt;Code&gt;</c>).</summary>
    public string QueryCode => Kind switch
    {
        SigV4FailureKind.MissingAuthenticationToken => "MissingAuthenticationToken",
        SigV4FailureKind.IncompleteSignature => "IncompleteSignature",
        SigV4FailureKind.UnrecognizedClient => "InvalidClientTokenId",
        SigV4FailureKind.InvalidSignature => "SignatureDoesNotMatch",
        SigV4FailureKind.ExpiredToken => "ExpiredToken",
        SigV4FailureKind.PayloadHashMismatch => "XAmzContentSHA256Mismatch",
        _ => throw new InvalidOperationException($"Unknown failure kind {Kind}."),
    };

    /// <summary>
    /// HTTP status: 403 for every refusal of who is calling (AWS's common errors), 400 for a request whose
    /// signature is malformed rather than wrong.
    /// </summary>
    public int StatusCode => Kind is SigV4FailureKind.IncompleteSignature or SigV4FailureKind.PayloadHashMismatch ? 400 : 403;

    internal static SigV4Failure Missing() => new(SigV4FailureKind.MissingAuthenticationToken, "Missing Authentication Token");

    internal static SigV4Failure Incomplete(string message) => new(SigV4FailureKind.IncompleteSignature, message);

    internal static SigV4Failure Invalid(string message) => new(SigV4FailureKind.InvalidSignature, message);

    internal static SigV4Failure Mismatch() => Invalid(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");

    internal static SigV4Failure Unrecognized() => new(SigV4FailureKind.UnrecognizedClient, "The security token included in the request is invalid.");

    internal static SigV4Failure Expired() => new(SigV4FailureKind.ExpiredToken, "The security token included in the request is expired");
}
