using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Berth.Core.Identity.Signing;

/// <summary>
/// The canonical request and string to sign of Signature Version 4, as AWS's non-S3 services and botocore's
/// <c>SigV4Auth</c> build them; the signer and the verifier both use this one definition.
/// </summary>
internal static class CanonicalRequest
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public const string Terminator = "aws4_request";

    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>Room for the UTF-8 of a usual canonical request or string to sign, on the stack.</summary>
    internal const int ScratchBytes = 2048;

    // The verifier's canonical requests are written here, one builder per thread, reused request after request.
    [ThreadStatic]
    private static StringBuilder? s_builder;

    /// <param name="signedHeaders">Lower-case header names, in the order they are signed.</param>
    /// <param name="queryToSkip">A query parameter left out (X-Amz-Signature, for presigned URLs).</param>
    public static string Build(SigV4Request request, IReadOnlyList<string> signedHeaders, string payloadHash, string? queryToSkip) =>
        Write(new StringBuilder(256), request, signedHeaders, payloadHash, queryToSkip).ToString();

    private static StringBuilder Write(StringBuilder builder, SigV4Request request, IReadOnlyList<string> signedHeaders, string payloadHash, string? queryToSkip)
    {
        builder.Append(request.Method.ToUpperInvariant()).Append('\n');
        builder.Append(CanonicalUri(request.RawPath)).Append('\n');
        builder.Append(CanonicalQuery(request.RawQuery, queryToSkip)).Append('\n');
        foreach (var name in signedHeaders)
        {
            builder.Append(name).Append(':');
            var first = true;
            foreach (var header in request.Headers)
            {
                if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }
                    AppendTrimmed(builder, header.Value);
                    first = false;
                }
            }
            builder.Append('\n');
        }
        builder.Append('\n');
        builder.AppendJoin(';', signedHeaders).Append('\n');
        return builder.Append(payloadHash);
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) => StringToSign(amzDate, scope, canonicalRequest.AsSpan());

    /// <summary>
    /// The string to sign of a request, its canonical request hashed where it was written (a builder kept per thread)
    /// instead of becoming a string of its own: the verifier's path, taken by every signed request.
    /// </summary>
    public static string StringToSign(string amzDate, string scope, SigV4Request request, IReadOnlyList<string> signedHeaders, string payloadHash,
        string? queryToSkip)
    {
        var builder = Write((s_builder ??= new StringBuilder(ScratchBytes)).Clear(), request, signedHeaders, payloadHash, queryToSkip);
        var chars = ArrayPool<char>.Shared.Rent(builder.Length);
        try
        {
            builder.CopyTo(0, chars, builder.Length);
            return StringToSign(amzDate, scope, chars.AsSpan(0, builder.Length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static string StringToSign(string amzDate, string scope, ReadOnlySpan<char> canonicalRequest)
    {
        Span<byte> scratch = stackalloc byte[ScratchBytes];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Utf8(canonicalRequest, scratch), hash);
        return $"{Algorithm}\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(hash)}";
    }

    /// <summary><c>yyyyMMdd/region/service/aws4_request</c>.</summary>
    public static string Scope(string date, string region, string service) => $"{date}/{region}/{service}/{Terminator}";

    public static string Signature(string secretAccessKey, string date, string region, string service, string stringToSign)
    {
        Span<byte> signature = stackalloc byte[HMACSHA256.HashSizeInBytes];
        SigningKeys.Hmac(SigningKeys.For(secretAccessKey, date, region, service), stringToSign, signature);
        return Convert.ToHexStringLower(signature);
    }

    /// <summary>
    /// Whether <paramref name="givenSignature"/> (hex, either case) is the signature of the string to sign, compared in
    /// constant time as bytes, so that neither side is turned into a string first.
    /// </summary>
    public static bool SignatureMatches(string secretAccessKey, string date, string region, string service, string stringToSign, string givenSignature)
    {
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (givenSignature.Length != 2 * given.Length
            || Convert.FromHexString(givenSignature, given, out _, out var written) != OperationStatus.Done || written != given.Length)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        SigningKeys.Hmac(SigningKeys.For(secretAccessKey, date, region, service), stringToSign, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The UTF-8 of <paramref name="text"/>, in <paramref name="scratch"/> when it fits (every usual request), else in a new array.</summary>
    internal static ReadOnlySpan<byte> Utf8(ReadOnlySpan<char> text, Span<byte> scratch) =>
        Encoding.UTF8.GetByteCount(text) <= scratch.Length ? scratch[..Encoding.UTF8.GetBytes(text, scratch)] : Encoding.UTF8.GetBytes(text.ToArray());

    /// <summary>
    /// The path with dot segments and empty segments removed (botocore's <c>remove_dot_segments</c>, which AWS's
    /// services expect), then URI-encoded: since the path is still percent-encoded as sent, its escapes are
    /// encoded a second time, as every AWS service but S3 does.
    /// </summary>
    internal static string CanonicalUri(string rawPath)
    {
        // Every AWS JSON and query request is a POST to "/".
        if (rawPath is "" or "/")
        {
            return "/";
        }
        var segments = new List<string>();
        foreach (var segment in rawPath.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                continue;
            }
            segments.Add(segment);
        }
        var first = rawPath[0] == '/' ? "/" : "";
        var last = rawPath[^1] == '/' && segments.Count > 0 ? "/" : "";
        return SigV4Encoding.Encode(first + string.Join('/', segments) + last, keepSlash: true);
    }

    /// <summary>Parameters re-encoded canonically and sorted by name, then value; a name without <c>=</c> has an empty value.</summary>
    internal static string CanonicalQuery(string rawQuery, string? queryToSkip)
    {
        if (rawQuery.Length == 0)
        {
            return "";
        }
        var pairs = new List<(string Name, string Value)>();
        foreach (var (name, value) in QueryParameters(rawQuery))
        {
            if (queryToSkip is not null && SigV4Encoding.DecodeToString(name) == queryToSkip)
            {
                continue;
            }
            pairs.Add((SigV4Encoding.Reencode(name), SigV4Encoding.Reencode(value)));
        }
        pairs.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => $"{p.Name}={p.Value}"));
    }

    /// <summary>The raw (still encoded) name/value pairs of a query string.</summary>
    internal static IEnumerable<(string Name, string Value)> QueryParameters(string rawQuery)
    {
        foreach (var piece in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = piece.IndexOf('=', StringComparison.Ordinal);
            yield return equals < 0 ? (piece, "") : (piece[..equals], piece[(equals + 1)..]);
        }
    }

    /// <summary>SigV4's Trimall: no surrounding white space, and each run of white space inside becomes one space.</summary>
    private static void AppendTrimmed(StringBuilder builder, string value)
    {
        var written = false;
        var space = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                space = written;
                continue;
            }
            if (space)
            {
                builder.Append(' ');
                space = false;
            }
            builder.Append(c);
            written = true;
        }
    }
}
