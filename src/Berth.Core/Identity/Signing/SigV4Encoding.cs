using System.Text;

namespace Berth.Core.Identity.Signing;

/// <summary>
/// SigV4's URI encoding: every byte of the UTF-8 form except the unreserved characters
/// (<c>A-Z a-z 0-9 - _ . ~</c>) becomes <c>%XY</c> with upper-case hex.
/// </summary>
internal static class SigV4Encoding
{
    public static string Encode(string text, bool keepSlash) => Encode(Encoding.UTF8.GetBytes(text), keepSlash);

    /// <summary>
    /// Decodes the percent escapes a client sent (a <c>+</c> stays a plus: SigV4 clients send spaces as
    /// <c>%20</c>) and encodes the bytes again, so that equivalent spellings give one canonical form.
    /// </summary>
    public static string Reencode(string raw) => Encode(Decode(raw), keepSlash: false);

    /// <summary>The bytes a percent-encoded string stands for; a <c>%</c> not followed by two hex digits is itself.</summary>
    public static byte[] Decode(string raw)
    {
        var bytes = Encoding.UTF8.GetBytes(raw);
        var output = new List<byte>(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '%' && i + 2 < bytes.Length && IsHex(bytes[i + 1]) && IsHex(bytes[i + 2]))
            {
                output.Add((byte)((HexValue(bytes[i + 1]) << 4) | HexValue(bytes[i + 2])));
                i += 2;
            }
            else
            {
                output.Add(bytes[i]);
            }
        }
        return [.. output];
    }

    public static string DecodeToString(string raw) => Encoding.UTF8.GetString(Decode(raw));

    private static string Encode(byte[] bytes, bool keepSlash)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (IsUnreserved(b) || (keepSlash && b == '/'))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(Convert.ToHexString([b]));
            }
        }
        return builder.ToString();
    }

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private static bool IsHex(byte b) =>
        b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'A' and <= (byte)'F') or (>= (byte)'a' and <= (byte)'f');

    private static int HexValue(byte b) => b switch
    {
        <= (byte)'9' => b - '0',
        <= (byte)'F' => b - 'A' + 10,
        _ => b - 'a' + 10,
    };
}
