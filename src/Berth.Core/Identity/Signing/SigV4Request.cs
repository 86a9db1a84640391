using System.Security.Cryptography;

namespace Berth.Core.Identity.Signing;

/// <summary>
/// The parts of an HTTP request that Signature Version 4 covers, exactly as they arrived: the path and query
/// still percent-encoded as on the wire (the canonical request encodes them again, as AWS's non-S3 services
/// do), every header line in arrival order (a repeated header appears once per line), and the SHA-256 of the
/// body. No HTTP framework types, so the wire layer copies what it has into this record.
/// </summary>
/// <param name="Method">The HTTP method, e.g. <c>POST</c>.</param>
/// <param name="RawPath">The request target's path as sent, before percent-decoding (<c>/</c> for AWS JSON and query).</param>
/// <param name="RawQuery">The query string as sent, without the leading <c>?</c>; empty when there is none.</param>
/// <param name="Headers">Every header as a name/value pair, in arrival order.</param>
/// <param name="PayloadSha256">Lower-case hex SHA-256 of the body (<see cref="HashPayload"/>).</param>
public sealed record SigV4Request(
    string Method,
    string RawPath,
    string RawQuery,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string PayloadSha256)
{
    /// <summary>The payload hash of an empty body, which GET requests and presigned URLs sign.</summary>
    public const string EmptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static string HashPayload(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>The value of the first header line with this name (header names are not case-sensitive).</summary>
    internal string? Header(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }
        return null;
    }

    /// <summary>The hash the canonical request ends with: the one the client stated in x-amz-content-sha256, or else the body's.</summary>
    internal string CanonicalPayloadHash => Header("X-Amz-Content-SHA256") ?? PayloadSha256;
}
