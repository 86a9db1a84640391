using Berth.Core.Errors;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Tasks;

public class TaskProtectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Protection_lasts_two_hours_unless_told_otherwise() =>
        Assert.Equal(Now.AddHours(2), TaskProtection.ExpiresAt(Now, null));

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(2880)]
    public void Protection_lasts_the_minutes_asked_for(int minutes) =>
        Assert.Equal(Now.AddMinutes(minutes), TaskProtection.ExpiresAt(Now, minutes));

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(2881)]
    public void Expiry_outside_one_minute_to_48_hours_is_refused(int minutes) =>
        Assert.Throws<InvalidParameterException>(() => TaskProtection.ExpiresAt(Now, minutes));

    [Theory]
    [InlineData(null, false)]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public void A_task_is_protected_until_its_expiry(int? secondsLeft, bool expected) =>
        Assert.Equal(expected, TaskProtection.IsProtected(secondsLeft is { } s ? Now.AddSeconds(s) : null, Now));

    [Theory]
    [InlineData("ecs-svc/1234567890123456789", "service:web", true)]
    [InlineData("ecs-svc/1234567890123456789", "family:web", false)]
    [InlineData("me", "service:web", false)]
    [InlineData(null, "service:web", false)]
    [InlineData("ecs-svc/1234567890123456789", null, false)]
    public void Only_tasks_a_service_started_can_be_protected(string? startedBy, string? group, bool expected) =>
        Assert.Equal(expected, TaskProtection.IsServiceTask(startedBy, group));
}
