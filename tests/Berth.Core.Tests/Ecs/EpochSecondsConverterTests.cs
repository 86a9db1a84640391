using System.Text.Json;
using Berth.Core.Ecs;

namespace Berth.Core.Tests.Ecs;

public class EpochSecondsConverterTests
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new EpochSecondsConverter() } };

    [Theory]
    [InlineData("2026-01-01T00:00:00Z", "1767225600")]
    [InlineData("2026-01-01T00:00:00.123Z", "1767225600.123")]
    [InlineData("2026-01-01T00:00:00.5Z", "1767225600.5")]
    [InlineData("1970-01-01T00:00:00Z", "0")]
    [InlineData("1969-12-31T23:59:59Z", "-1")]
    public void Writes_epoch_seconds_as_a_json_number(string iso, string json)
    {
        Assert.Equal(json, JsonSerializer.Serialize(DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture), Options));
    }

    [Fact]
    public void Drops_precision_below_a_millisecond()
    {
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

        Assert.Equal("1767225600.123", JsonSerializer.Serialize(time, Options));
    }

    [Theory]
    [InlineData("1767225600", "2026-01-01T00:00:00Z")]
    [InlineData("1767225600.123", "2026-01-01T00:00:00.123Z")]
    [InlineData("1767225600.1239", "2026-01-01T00:00:00.124Z")]
    [InlineData("1.767225600123E9", "2026-01-01T00:00:00.123Z")]
    [InlineData("\"2026-01-01T00:00:00.123Z\"", "2026-01-01T00:00:00.123Z")]
    public void Reads_epoch_seconds_and_iso_strings(string json, string iso)
    {
        Assert.Equal(
            DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture),
            JsonSerializer.Deserialize<DateTimeOffset>(json, Options));
    }

    [Fact]
    public void Round_trips_milliseconds()
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_987);

        Assert.Equal(time, JsonSerializer.Deserialize<DateTimeOffset>(JsonSerializer.Serialize(time, Options), Options));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("\"yesterday\"")]
    [InlineData("{}")]
    // Seen by the API fuzzer (PutMetricData with a Timestamp in the year 10000): beyond DateTimeOffset's years 1–9999
    // the conversion threw ArgumentOutOfRangeException, which the API answered 500.
    [InlineData("253402300800")]
    [InlineData("-62135596801")]
    [InlineData("1e300")]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    public void Refuses_anything_else(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DateTimeOffset>(json, Options));
    }

    [Fact]
    public void Wire_shapes_use_it_for_timestamps()
    {
        var definition = new TaskDefinition { RegisteredAt = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_500) };

        Assert.Equal("""{"registeredAt":1767225600.5}""", JsonSerializer.Serialize(definition, EcsJsonContext.Default.TaskDefinition));
    }
}
