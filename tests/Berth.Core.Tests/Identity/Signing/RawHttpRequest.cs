using System.Text;
using Berth.Core.Identity.Signing;

namespace Berth.Core.Tests.Identity.Signing;

/// <summary>Reads a request written out as HTTP/1.1 text (the test suite's .req files) into a <see cref="SigV4Request"/>.</summary>
internal static class RawHttpRequest
{
    public static SigV4Request Parse(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = normalized.IndexOf("\n\n", StringComparison.Ordinal);
        var head = split < 0 ? normalized : normalized[..split];
        var body = split < 0 ? "" : normalized[(split + 2)..].TrimEnd('\n');
        var lines = head.Split('\n');
        var requestLine = lines[0].Split(' ');
        var target = string.Join(' ', requestLine[1..^1]);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines[1..])
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]))
            {
                // An obsolete folded continuation line belongs to the header above it.
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + "\n" + line);
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..]));
        }
        return new SigV4Request(
            requestLine[0],
            question < 0 ? target : target[..question],
            question < 0 ? "" : target[(question + 1)..],
            headers,
            SigV4Request.HashPayload(Encoding.UTF8.GetBytes(body)));
    }
}
