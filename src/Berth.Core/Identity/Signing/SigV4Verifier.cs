using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Berth.Core.Identity.Signing;

/// <summary>
/// Verifies AWS Signature Version 4 (header and presigned-URL forms) the way AWS's services do, in two steps so
/// that the secret can be looked up asynchronously in between: <see cref="TryInspect"/> checks the form, the
/// scope and the clock; <see cref="Verify"/> checks the session and the signature with the key's secret.
/// </summary>
public static class SigV4Verifier
{
    /// <summary>How far a request's signing time may be from the server's clock (AWS allows 15 minutes).</summary>
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(15);

    /// <param name="request">The request as received.</param>
    /// <param name="now">The server's clock.</param>
    /// <param name="expectedService">
    /// The signing name of the service the request reached (<c>ecs</c>, <c>monitoring</c>…), when the wire layer
    /// knows it; a request scoped to another service is refused. <c>null</c> accepts the scope's service, for
    /// endpoints that choose the service by it.
    /// </param>
    public static bool TryInspect(SigV4Request request, DateTimeOffset now, string? expectedService,
        [NotNullWhen(true)] out SignedRequest? signed, [NotNullWhen(false)] out SigV4Failure? failure)
    {
        signed = null;
        if (!SigV4Parser.TryParse(request, out var parts, out failure))
        {
            return false;
        }
        var scope = parts.Credential.Split('/');
        if (scope.Length != 5 || scope[0].Length == 0)
        {
            failure = SigV4Failure.Incomplete(
                $"Credential should have the form '<access key id>/<date>/<region>/<service>/aws4_request', not '{parts.Credential}'.");
            return false;
        }
        var (accessKeyId, scopeDate, region, service, terminator) = (scope[0], scope[1], scope[2], scope[3], scope[4]);
        var payloadHash = request.CanonicalPayloadHash;
        failure = ScopeFailure(parts, scopeDate, region, service, terminator, expectedService)
            ?? ClockFailure(parts, now)
            ?? PayloadFailure(request, payloadHash);
        if (failure is not null)
        {
            return false;
        }
        signed = new SignedRequest(request, accessKeyId, scopeDate, region, service, parts.SignedHeaders, parts.Signature,
            parts.AmzDate, parts.SignedAt, parts.SessionToken, payloadHash, parts.IsPresigned);
        return true;
    }

    /// <param name="signed">A request <see cref="TryInspect"/> accepted.</param>
    /// <param name="credential">The access key's secret and session, or <c>null</c> for an unknown or inactive key.</param>
    /// <param name="now">The server's clock, for the session's expiry.</param>
    public static SigV4Verdict Verify(SignedRequest signed, SigningCredential? credential, DateTimeOffset now)
    {
        if (credential is null || !SameSessionToken(credential.SessionToken, signed.SessionToken))
        {
            return SigV4Verdict.Refused(SigV4Failure.Unrecognized());
        }
        if (credential.Expiration is { } expiration && expiration <= now)
        {
            return SigV4Verdict.Refused(SigV4Failure.Expired());
        }
        var stringToSign = CanonicalRequest.StringToSign(signed.AmzDate, CanonicalRequest.Scope(signed.ScopeDate, signed.Region, signed.Service),
            signed.Request, signed.SignedHeaders, signed.PayloadHash, signed.IsPresigned ? "X-Amz-Signature" : null);
        if (!CanonicalRequest.SignatureMatches(credential.SecretAccessKey, signed.ScopeDate, signed.Region, signed.Service, stringToSign, signed.Signature))
        {
            return SigV4Verdict.Refused(SigV4Failure.Mismatch());
        }
        return SigV4Verdict.Accepted(new SigV4Identity(signed.AccessKeyId, signed.Region, signed.Service, signed.SessionToken, signed.SignedAt));
    }

    /// <summary>Both steps, with an asynchronous lookup of the access key in between.</summary>
    public static async ValueTask<SigV4Verdict> VerifyAsync(SigV4Request request, DateTimeOffset now, string? expectedService,
        Func<string, CancellationToken, ValueTask<SigningCredential?>> lookup, CancellationToken cancellationToken)
    {
        if (!TryInspect(request, now, expectedService, out var signed, out var failure))
        {
            return SigV4Verdict.Refused(failure);
        }
        return Verify(signed, await lookup(signed.AccessKeyId, cancellationToken), now);
    }

    private static SigV4Failure? ScopeFailure(SigV4Parser.Parts parts, string scopeDate, string region, string service, string terminator,
        string? expectedService)
    {
        if (terminator != CanonicalRequest.Terminator)
        {
            return SigV4Failure.Invalid($"Credential should be scoped with a valid terminator: '{CanonicalRequest.Terminator}', not '{terminator}'. ");
        }
        if (expectedService is not null && service != expectedService)
        {
            return SigV4Failure.Invalid($"Credential should be scoped to correct service: '{expectedService}'. ");
        }
        if (region.Length == 0)
        {
            return SigV4Failure.Invalid("Credential should be scoped to a valid region, not ''. ");
        }
        if (!parts.AmzDate.StartsWith(scopeDate, StringComparison.Ordinal) || scopeDate.Length != 8)
        {
            return SigV4Failure.Invalid(
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{parts.AmzDate[..Math.Min(8, parts.AmzDate.Length)]}', from '{parts.AmzDate}'.");
        }
        if (!parts.SignedHeaders.Contains("host"))
        {
            return SigV4Failure.Incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        return null;
    }

    /// <summary>
    /// A signature is good for 15 minutes either side of the server's clock, or, for a presigned URL, from its
    /// signing time until X-Amz-Expires seconds later; AWS words the refusal with both times.
    /// </summary>
    private static SigV4Failure? ClockFailure(SigV4Parser.Parts parts, DateTimeOffset now)
    {
        var window = parts.ExpiresSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : AllowedSkew;
        if (parts.SignedAt < now - window)
        {
            return SigV4Failure.Invalid(
                $"Signature expired: {parts.AmzDate} is now earlier than {Format(now - window)} ({Format(now)} - {Describe(window)}.)");
        }
        if (parts.SignedAt > now + AllowedSkew)
        {
            return SigV4Failure.Invalid(
                $"Signature not yet current: {parts.AmzDate} is still later than {Format(now + AllowedSkew)} ({Format(now)} + {Describe(AllowedSkew)}.)");
        }
        return null;
    }

    /// <summary>
    /// A client may state the payload hash in x-amz-content-sha256; the signature then covers that header, so it
    /// must be the body's real hash. UNSIGNED-PAYLOAD is accepted only for an empty body: every service Berth
    /// serves reads its parameters from the body, and none of them may be unsigned.
    /// </summary>
    private static SigV4Failure? PayloadFailure(SigV4Request request, string payloadHash)
    {
        var matches = string.Equals(payloadHash, request.PayloadSha256, StringComparison.OrdinalIgnoreCase)
            || (payloadHash == CanonicalRequest.UnsignedPayload && request.PayloadSha256 == SigV4Request.EmptyPayloadSha256);
        return matches
            ? null
            : new SigV4Failure(SigV4FailureKind.PayloadHashMismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }

    private static bool SameSessionToken(string? expected, string? given) =>
        expected is null
            ? given is null
            : given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(SigV4Parser.AmzDateFormat, CultureInfo.InvariantCulture);

    private static string Describe(TimeSpan window) =>
        window.TotalSeconds % 60 == 0
            ? $"{(int)window.TotalMinutes} min"
            : $"{(int)window.TotalSeconds} sec";
}
