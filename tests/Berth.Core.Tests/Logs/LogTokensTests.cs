using Berth.Core.Errors;
using Berth.Core.Logs;

namespace Berth.Core.Tests.Logs;

public class LogTokensTests
{
    [Fact]
    public void A_token_round_trips_its_direction_and_position()
    {
        var token = LogTokens.Encode(LogTokens.Backward, new LogPosition(1_700_000_000_123, 42));

        Assert.Equal("b/1700000000123/42", token);
        Assert.Equal((LogTokens.Backward, new LogPosition(1_700_000_000_123, 42)), LogTokens.Decode(token, "fb"));
    }

    [Theory]
    [InlineData("n/1/2")]      // a FilterLogEvents token given to GetLogEvents
    [InlineData("f/abc/2")]
    [InlineData("f/1")]
    [InlineData("f/1/-2")]
    [InlineData("")]
    public void Foreign_or_malformed_tokens_are_invalid(string token)
    {
        Assert.Throws<InvalidParameterException>(() => LogTokens.Decode(token, "fb"));
    }

    [Fact]
    public void Positions_order_by_timestamp_then_sequence()
    {
        Assert.True(new LogPosition(1, 9).CompareTo(new LogPosition(2, 1)) < 0);
        Assert.True(new LogPosition(2, 3).CompareTo(new LogPosition(2, 1)) > 0);
    }
}
