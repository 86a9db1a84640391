using System.Globalization;

namespace Berth.Core.Identity.Signing;

/// <summary>
/// Signs requests as botocore's <c>SigV4Auth</c> does (every header but the hop-by-hop ones and User-Agent,
/// X-Amz-Date, the session token as X-Amz-Security-Token), for Berth's own clients of its API (agents).
/// </summary>
public static class SigV4Signer
{
    // botocore's SIGNED_HEADERS_BLACKLIST: headers proxies may change or drop.
    private static readonly HashSet<string> UnsignedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    };

    /// <summary>
    /// The headers to add to <paramref name="request"/> (which must already carry Host): X-Amz-Date, the session
    /// token if any, and Authorization.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Sign(SigV4Request request, string accessKeyId, SigningCredential credential,
        string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString(SigV4Parser.AmzDateFormat, CultureInfo.InvariantCulture);
        var added = new List<KeyValuePair<string, string>> { new("X-Amz-Date", amzDate) };
        if (credential.SessionToken is not null)
        {
            added.Add(new("X-Amz-Security-Token", credential.SessionToken));
        }
        var withAdded = request with { Headers = [.. request.Headers, .. added] };
        var signedHeaders = withAdded.Headers
            .Select(h => h.Key.ToLowerInvariant())
            .Where(name => !UnsignedHeaders.Contains(name))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        var date = amzDate[..8];
        var canonical = CanonicalRequest.Build(withAdded, signedHeaders, withAdded.CanonicalPayloadHash, queryToSkip: null);
        var scope = CanonicalRequest.Scope(date, region, service);
        var signature = CanonicalRequest.Signature(credential.SecretAccessKey, date, region, service,
            CanonicalRequest.StringToSign(amzDate, scope, canonical));
        added.Add(new("Authorization",
            $"{CanonicalRequest.Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={string.Join(';', signedHeaders)}, Signature={signature}"));
        return added;
    }
}
