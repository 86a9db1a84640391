using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Berth.Core.Identity.Signing;

/// <summary>
/// Reads the signature's parts from the Authorization header or a presigned URL's query parameters, with the
/// refusals AWS gives for a signature that is absent or malformed.
/// </summary>
internal static class SigV4Parser
{
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    private const string AlgorithmParameter = "X-Amz-Algorithm";
    private const string CredentialParameter = "X-Amz-Credential";
    private const string DateParameter = "X-Amz-Date";
    private const string SignedHeadersParameter = "X-Amz-SignedHeaders";
    private const string SignatureParameter = "X-Amz-Signature";
    private const string ExpiresParameter = "X-Amz-Expires";
    private const string SecurityTokenName = "X-Amz-Security-Token";

    /// <summary>A presigned URL may not outlive a week (SigV4's limit on X-Amz-Expires).</summary>
    private const int MaxExpiresSeconds = 604800;

    /// <summary>The signature parts, before any check that needs the clock, the scope or the secret.</summary>
    internal sealed record Parts(
        string Credential,
        IReadOnlyList<string> SignedHeaders,
        string Signature,
        string AmzDate,
        DateTimeOffset SignedAt,
        string? SessionToken,
        int? ExpiresSeconds,
        bool IsPresigned);

    public static bool TryParse(SigV4Request request, [NotNullWhen(true)] out Parts? parts, [NotNullWhen(false)] out SigV4Failure? failure)
    {
        // A header-signed request usually has no query string: nothing to decode then.
        List<(string Name, string Value)> query = request.RawQuery.Length == 0
            ? []
            : [.. CanonicalRequest.QueryParameters(request.RawQuery)
                .Select(p => (Name: SigV4Encoding.DecodeToString(p.Name), Value: SigV4Encoding.DecodeToString(p.Value)))];
        var authorization = request.Header("Authorization");
        var presigned = query.Exists(p => p.Name == AlgorithmParameter);
        if (authorization is not null && presigned)
        {
            return Fail(SigV4Failure.Incomplete(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified"),
                out parts, out failure);
        }
        if (presigned)
        {
            return TryParseQuery(query, out parts, out failure);
        }
        if (authorization is not null)
        {
            return TryParseHeader(request, authorization, out parts, out failure);
        }
        return Fail(SigV4Failure.Missing(), out parts, out failure);
    }

    private static bool TryParseHeader(SigV4Request request, string authorization, [NotNullWhen(true)] out Parts? parts, [NotNullWhen(false)] out SigV4Failure? failure)
    {
        // Every signed request passes here: the fields are read from spans, without splitting the header into strings.
        var header = authorization.AsSpan();
        var space = header.IndexOf(' ');
        if (!(space < 0 ? header : header[..space]).SequenceEqual(CanonicalRequest.Algorithm))
        {
            return Fail(SigV4Failure.Incomplete($"Unsupported AWS 'algorithm': '{(space < 0 ? authorization : authorization[..space])}'"), out parts, out failure);
        }
        string? credential = null, signature = null, signedHeaders = null;
        var fields = header[(space + 1)..];
        foreach (var range in fields.Split(','))
        {
            var field = fields[range].Trim();
            var equals = field.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }
            var name = field[..equals];
            var value = field[(equals + 1)..];
            if (name.SequenceEqual("Credential"))
            {
                credential ??= value.ToString();
            }
            else if (name.SequenceEqual("Signature"))
            {
                signature ??= value.ToString();
            }
            else if (name.SequenceEqual("SignedHeaders"))
            {
                signedHeaders ??= value.ToString();
            }
        }
        var amzDate = request.Header("X-Amz-Date");
        var date = request.Header("Date");
        if (credential is null || signature is null || signedHeaders is null || (amzDate is null && date is null))
        {
            return Fail(Incomplete(authorization, credential, signature, signedHeaders, hasDate: amzDate is not null || date is not null), out parts, out failure);
        }
        if (!TryReadDate(amzDate, date, out var signedAt, out var writtenDate, out failure))
        {
            parts = null;
            return false;
        }
        parts = new Parts(credential, SplitSignedHeaders(signedHeaders), signature, writtenDate, signedAt, request.Header(SecurityTokenName),
            ExpiresSeconds: null, IsPresigned: false);
        return true;
    }

    /// <summary>AWS's refusal of an Authorization header that lacks parts: every missing one named, in this order.</summary>
    private static SigV4Failure Incomplete(string authorization, string? credential, string? signature, string? signedHeaders, bool hasDate)
    {
        var missing = new List<string>();
        foreach (var (name, value) in new[] { ("Credential", credential), ("Signature", signature), ("SignedHeaders", signedHeaders) })
        {
            if (value is null)
            {
                missing.Add($"Authorization header requires '{name}' parameter.");
            }
        }
        if (!hasDate)
        {
            missing.Add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        return SigV4Failure.Incomplete($"{string.Join(' ', missing)} Authorization={authorization}");
    }

    private static bool TryParseQuery(List<(string Name, string Value)> query, [NotNullWhen(true)] out Parts? parts,
        [NotNullWhen(false)] out SigV4Failure? failure)
    {
        string? Value(string name) => query.FirstOrDefault(p => p.Name == name).Value;
        var algorithm = Value(AlgorithmParameter)!;
        if (algorithm != CanonicalRequest.Algorithm)
        {
            return Fail(SigV4Failure.Incomplete($"Unsupported AWS 'algorithm': '{algorithm}'"), out parts, out failure);
        }
        foreach (var name in new[] { CredentialParameter, SignatureParameter, SignedHeadersParameter, DateParameter })
        {
            if (Value(name) is null)
            {
                return Fail(SigV4Failure.Incomplete($"AWS query-string parameters must include '{name}'. Re-examine the query-string parameters."),
                    out parts, out failure);
            }
        }
        int? expires = null;
        if (Value(ExpiresParameter) is { } expiresText)
        {
            if (!int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
            {
                return Fail(SigV4Failure.Incomplete("X-Amz-Expires should be a number greater than zero"), out parts, out failure);
            }
            if (seconds > MaxExpiresSeconds)
            {
                return Fail(SigV4Failure.Incomplete($"X-Amz-Expires must be less than a week (in seconds) that is; {MaxExpiresSeconds}"),
                    out parts, out failure);
            }
            expires = seconds;
        }
        if (!TryReadDate(Value(DateParameter), null, out var signedAt, out var writtenDate, out failure))
        {
            parts = null;
            return false;
        }
        parts = new Parts(
            Value(CredentialParameter)!,
            SplitSignedHeaders(Value(SignedHeadersParameter)!),
            Value(SignatureParameter)!,
            writtenDate,
            signedAt,
            Value(SecurityTokenName),
            expires,
            IsPresigned: true);
        return true;
    }

    /// <summary>
    /// The signing time: X-Amz-Date in ISO 8601 basic format, or else the HTTP Date header, which the string
    /// to sign then repeats in the basic format.
    /// </summary>
    private static bool TryReadDate(string? amzDate, string? httpDate, out DateTimeOffset signedAt, out string writtenDate,
        [NotNullWhen(false)] out SigV4Failure? failure)
    {
        failure = null;
        writtenDate = amzDate ?? "";
        if (amzDate is not null)
        {
            if (TryReadBasicFormat(amzDate, out signedAt)
                || DateTimeOffset.TryParseExact(amzDate, AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out signedAt))
            {
                return true;
            }
            failure = SigV4Failure.Incomplete($"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
            return false;
        }
        if (DateTimeOffset.TryParseExact(httpDate, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out signedAt))
        {
            writtenDate = signedAt.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);
            return true;
        }
        failure = SigV4Failure.Incomplete($"Date must be in ISO-8601 'basic format'. Got '{httpDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
        return false;
    }

    /// <summary>
    /// <c>yyyyMMddTHHmmssZ</c> read digit by digit: every signed request carries one, and the general parser was a
    /// visible part of verification's cost. Anything else falls back to <see cref="DateTimeOffset.TryParseExact(string, string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>.
    /// </summary>
    private static bool TryReadBasicFormat(string text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length != 16 || text[8] != 'T' || text[15] != 'Z'
            || !TryDigits(text, 0, 4, out var year) || !TryDigits(text, 4, 2, out var month) || !TryDigits(text, 6, 2, out var day)
            || !TryDigits(text, 9, 2, out var hour) || !TryDigits(text, 11, 2, out var minute) || !TryDigits(text, 13, 2, out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        foreach (var c in text.AsSpan(start, count))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static string[] SplitSignedHeaders(string value) =>
        value.ToLowerInvariant().Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static bool Fail(SigV4Failure refusal, out Parts? parts, out SigV4Failure failure)
    {
        parts = null;
        failure = refusal;
        return false;
    }
}
