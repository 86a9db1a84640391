using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Core.Ecs;

/// <summary>
/// AWS JSON 1.1 sends timestamps as epoch seconds (a JSON number, fraction allowed), not ISO strings.
/// Millisecond precision matches what ECS returns.
/// </summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    private static readonly double MinMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly double MaxMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            // A time outside years 1–9999 is a malformed request (JsonException), not a fault of the server.
            var milliseconds = reader.TryGetDouble(out var seconds) ? Math.Round(seconds * 1000) : double.NaN;
            return milliseconds >= MinMilliseconds && milliseconds <= MaxMilliseconds
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds)
                : throw new JsonException("Timestamp is out of range (years 1 to 9999).");
        }
        if (reader.TokenType == JsonTokenType.String && DateTimeOffset.TryParse(reader.GetString(), out var parsed))
        {
            return parsed;
        }
        throw new JsonException("Timestamp must be epoch seconds.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000m);
}
