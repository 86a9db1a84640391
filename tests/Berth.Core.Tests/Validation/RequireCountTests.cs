using Berth.Core.Errors;
using Berth.Core.Validation;

namespace Berth.Core.Tests.Validation;

public class RequireCountTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void Counts_from_one_to_the_maximum_pass(int count) =>
        Require.Count(Enumerable.Repeat("t", count).ToList(), 100, "tasks", "tasks");

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Other_counts_get_ECS_words(int count)
    {
        var error = Assert.Throws<InvalidParameterException>(() =>
            Require.Count(Enumerable.Repeat("i", count).ToList(), 100, "containerInstances", "container instances"));

        Assert.Equal("containerInstances must list between 1 and 100 container instances.", error.Message);
    }
}
