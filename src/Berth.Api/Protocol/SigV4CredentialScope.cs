namespace Berth.Api.Protocol;

/// <summary>
/// The credential scope of a SigV4 <c>Authorization</c> header:
/// <c>AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ecs/aws4_request, SignedHeaders=…, Signature=…</c>.
/// Berth takes the request's region from it, as AWS does. Signatures are not verified yet.
/// </summary>
internal sealed record SigV4CredentialScope(string AccessKeyId, string Date, string Region, string Service)
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    public static SigV4CredentialScope? Parse(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Algorithm, StringComparison.Ordinal))
        {
            return null;
        }
        foreach (var part in authorization[Algorithm.Length..].Split(',', StringSplitOptions.TrimEntries))
        {
            if (!part.StartsWith("Credential=", StringComparison.Ordinal))
            {
                continue;
            }
            var fields = part["Credential=".Length..].Split('/');
            return fields is [var key, var date, var region, var service, "aws4_request"] && region.Length > 0
                ? new SigV4CredentialScope(key, date, region, service)
                : null;
        }
        return null;
    }
}
