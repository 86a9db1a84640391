using System.Text.Json;

namespace Berth.Api.Protocol;

/// <summary>
/// No list in the models Berth serves is marked <c>@sparse</c>, so a list item is never null on the wire. The
/// generated records would still take a null item and hand handlers an element they do not expect; the request
/// is refused here, before any handler sees it.
/// </summary>
internal static class DenseLists
{
    /// <exception cref="JsonException">A list holds null, or the body is not JSON.</exception>
    public static void Check(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf("null"u8) < 0)
        {
            return;
        }
        var reader = new Utf8JsonReader(json);
        var containers = new Stack<JsonTokenType>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray or JsonTokenType.StartObject:
                    containers.Push(reader.TokenType);
                    break;
                case JsonTokenType.EndArray or JsonTokenType.EndObject:
                    containers.Pop();
                    break;
                case JsonTokenType.Null when containers.TryPeek(out var container) && container == JsonTokenType.StartArray:
                    throw new JsonException($"A list item is null (at byte {reader.TokenStartIndex}); list items must be values.");
            }
        }
    }
}
