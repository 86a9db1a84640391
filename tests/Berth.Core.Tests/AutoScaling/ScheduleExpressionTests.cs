using Berth.Core.AutoScaling;
using Berth.Core.Errors;

namespace Berth.Core.Tests.AutoScaling;

public class ScheduleExpressionTests
{
    private static readonly DateTimeOffset Origin = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void At_runs_once_at_its_time_in_the_actions_zone()
    {
        var schedule = ScheduleExpression.Parse("at(2026-12-05T08:30:00)");
        var paris = ScheduleExpression.Zone("Europe/Paris");
        var due = new DateTimeOffset(2026, 12, 5, 7, 30, 0, TimeSpan.Zero);

        Assert.True(schedule.IsOneTime);
        Assert.Equal(due, schedule.LatestDue(due.AddMinutes(-1), due.AddSeconds(20), Origin, paris));
        Assert.Null(schedule.LatestDue(due, due.AddMinutes(5), Origin, paris));
    }

    [Fact]
    public void Rate_counts_its_occurrences_from_the_origin()
    {
        var schedule = ScheduleExpression.Parse("rate(5 minutes)");

        Assert.Equal(Origin.AddMinutes(10), schedule.LatestDue(Origin.AddMinutes(9), Origin.AddMinutes(12), Origin, TimeZoneInfo.Utc));
        Assert.Null(schedule.LatestDue(Origin.AddMinutes(10), Origin.AddMinutes(14), Origin, TimeZoneInfo.Utc));
    }

    [Fact]
    public void Cron_matches_weekday_evenings_in_its_zone()
    {
        var schedule = ScheduleExpression.Parse("cron(0 22 ? * MON-FRI *)");
        var paris = ScheduleExpression.Zone("Europe/Paris");
        // Friday 4 December 2026, 22:00 in Paris is 21:00 UTC; Saturday's is not a weekday.
        var friday = new DateTimeOffset(2026, 12, 4, 21, 0, 0, TimeSpan.Zero);

        Assert.Equal(friday, schedule.LatestDue(friday.AddMinutes(-1), friday.AddSeconds(30), Origin, paris));
        Assert.Null(schedule.LatestDue(friday.AddDays(1).AddMinutes(-1), friday.AddDays(1).AddSeconds(30), Origin, paris));
    }

    [Theory]
    [InlineData("cron(0 22 * * * *)")]
    [InlineData("cron(0 22 L * ? *)")]
    [InlineData("cron(0 25 ? * * *)")]
    [InlineData("cron(0 22 ? *)")]
    [InlineData("rate(1 minutes)")]
    [InlineData("rate(0 minutes)")]
    [InlineData("rate(5 weeks)")]
    [InlineData("at(2026-12-05 08:30)")]
    [InlineData("every day")]
    public void Malformed_schedules_are_refused(string schedule) => Assert.Throws<ValidationException>(() => ScheduleExpression.Parse(schedule));

    [Fact]
    public void Unknown_time_zones_are_refused() => Assert.Throws<ValidationException>(() => ScheduleExpression.Zone("Mars/Olympus"));
}
