using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Core.Ecs;

/// <summary>
/// AWS JSON 1.1 sends timestamps as epoch seconds (a JSON number, fraction allowed), not ISO strings.
/// Millisecond precision matches what ECS returns.
/// </summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble() * 1000));
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
