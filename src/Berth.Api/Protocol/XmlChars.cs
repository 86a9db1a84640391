using System.Text;
using System.Xml;

namespace Berth.Api.Protocol;

/// <summary>
/// XML 1.0 cannot carry every string: NUL, most control characters and lone surrogates have no representation,
/// not even as character references. Query answers hold such strings when a value came in through AWS JSON or CBOR
/// (a CloudWatch metric name) or an error message quotes the request; they are written with U+FFFD in those places
/// so the answer stays a document clients can parse.
/// </summary>
internal static class XmlChars
{
    public static string Legal(string text)
    {
        StringBuilder? legal = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                legal?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (XmlConvert.IsXmlChar(c))
            {
                legal?.Append(c);
                continue;
            }
            legal ??= new StringBuilder(text.Length).Append(text, 0, i);
            legal.Append('\uFFFD');
        }
        return legal?.ToString() ?? text;
    }
}
