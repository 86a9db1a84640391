using Berth.Core.Cleanup;

namespace Berth.Cli.Tests;

/// <summary><c>berth cleanup</c>'s rendering of the server's report: the table, what --apply would do, and what it did.</summary>
public sealed class CleanupCommandsTests
{
    private static readonly Leftover[] Leftovers =
    [
        new("log-group", "/ecs/web", "no retention: its events are kept for ever", 5 * 1024 * 1024 + 512 * 1024, "PutRetentionPolicy 30 days: older events go"),
        new("task-definition", "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1", "INACTIVE", null, "DeleteTaskDefinitions"),
        new("containers", "arn:aws:ecs:us-east-1:000000000000:task/old/1", "unknown task; remove with docker rm", null, null),
    ];

    [Fact]
    public void The_report_is_a_table_with_what_apply_would_do_per_kind()
    {
        var lines = CleanupCommands.Lines(new CleanupReport(7, 30, Leftovers, null)).ToList();

        Assert.Equal(
        [
            "KIND             RESOURCE                                                     SIZE  REASON",
            "log-group        /ecs/web                                                  5.5 MiB  no retention: its events are kept for ever",
            "task-definition  arn:aws:ecs:us-east-1:000000000000:task-definition/web:1        -  INACTIVE",
            "containers       arn:aws:ecs:us-east-1:000000000000:task/old/1                   -  unknown task; remove with docker rm",
            "",
            "berth cleanup --apply would:",
            "  log-group: PutRetentionPolicy 30 days: older events go",
            "  task-definition: DeleteTaskDefinitions",
            "  containers: nothing (see the reason)",
        ], lines);
    }

    [Fact]
    public void Applied_actions_say_done_or_why_not()
    {
        var applied = new[]
        {
            new CleanupOutcome("log-group", "/ecs/web", null),
            new CleanupOutcome("task-definition", "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1", "ClientException: gone"),
        };

        var lines = CleanupCommands.Lines(new CleanupReport(7, 30, Leftovers, applied)).ToList();

        Assert.Equal(
        [
            "Applied:",
            "  log-group: PutRetentionPolicy 30 days: older events go",
            "  task-definition: DeleteTaskDefinitions",
            "  containers: nothing (see the reason)",
            "  done    log-group /ecs/web",
            "  FAILED  task-definition arn:aws:ecs:us-east-1:000000000000:task-definition/web:1: ClientException: gone",
        ], lines.Skip(5));
    }

    [Fact]
    public void An_empty_report_says_so() =>
        Assert.Equal(["Nothing left over."], CleanupCommands.Lines(new CleanupReport(7, 30, [], null)));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.0 GiB")]
    public void Sizes_are_in_the_largest_fitting_unit(long bytes, string expected) => Assert.Equal(expected, CleanupCommands.Size(bytes));
}
