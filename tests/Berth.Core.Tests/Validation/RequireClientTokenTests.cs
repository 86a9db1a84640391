using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Tests.Validation;

public class RequireClientTokenTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("a")]
    [InlineData("!~token-with-every-edge~!")]
    [InlineData("123456789012345678901234567890123456")]
    public void Absent_tokens_and_printable_ascii_up_to_the_maximum_pass(string? token) => Require.ClientToken(token, 36);

    [Theory]
    [InlineData("")]
    [InlineData("1234567890123456789012345678901234567")]
    [InlineData("with space")]
    [InlineData("tab\there")]
    [InlineData("caf\u00e9")]
    public void Empty_long_and_non_printable_tokens_are_refused(string token)
    {
        var error = Assert.Throws<InvalidParameterException>(() => Require.ClientToken(token, 36));

        Assert.Equal("clientToken must be 1 to 36 ASCII characters in the range 33-126.", error.Message);
    }
}
