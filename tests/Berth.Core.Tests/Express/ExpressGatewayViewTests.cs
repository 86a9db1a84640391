using Berth.Core.Ecs;
using Berth.Core.Express;

namespace Berth.Core.Tests.Express;

public class ExpressGatewayViewTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static ExpressGatewayRecord Record(string status, params string[] revisions) => ExpressGatewayRecords.Web(status, Now, Now) with
    {
        Configurations = [.. revisions.Select(r => new ExpressGatewayServiceConfiguration { ServiceRevisionArn = r, Cpu = "256" })],
        Tags = [new Tag { Key = "team", Value = "web" }],
    };

    private static Service Running(string status, params string[] revisions) => new()
    {
        Status = status,
        CurrentServiceDeployment = "deployment",
        CurrentServiceRevisions = [.. revisions.Select(r => new ServiceCurrentRevisionSummary { Arn = r })],
    };

    [Fact]
    public void The_active_configurations_are_those_whose_revisions_still_run_each_with_the_loopback_endpoint()
    {
        var described = ExpressGatewayView.Describe(Record("ACTIVE", "rev/1", "rev/2", "rev/3"), Running("ACTIVE", "rev/2", "rev/3"), withTags: false);

        Assert.Equal(["rev/2", "rev/3"], described.ActiveConfigurations!.Select(c => c.ServiceRevisionArn));
        Assert.All(described.ActiveConfigurations!, c => Assert.Equal(
            new IngressPathSummary { AccessType = "PRIVATE", Endpoint = "http://127.0.0.1:40123" }, Assert.Single(c.IngressPaths!)));
        Assert.Equal("deployment", described.CurrentDeployment);
        Assert.Null(described.Tags);
    }

    [Fact]
    public void Before_the_scheduler_reports_running_revisions_the_latest_configuration_is_the_active_one()
    {
        var described = ExpressGatewayView.Describe(Record("ACTIVE", "rev/1", "rev/2"), Running("ACTIVE"), withTags: true);

        Assert.Equal("rev/2", Assert.Single(described.ActiveConfigurations!).ServiceRevisionArn);
        Assert.Equal("team", Assert.Single(described.Tags!).Key);
    }

    [Theory]
    [InlineData("ACTIVE", "ACTIVE", "ACTIVE")]
    [InlineData("DRAINING", "DRAINING", "DRAINING")]
    [InlineData("DRAINING", "INACTIVE", "INACTIVE")]
    [InlineData("ACTIVE", null, "INACTIVE")]
    public void The_status_is_the_records_until_the_ecs_service_is_gone(string record, string? service, string expected)
    {
        var status = ExpressGatewayView.Status(Record(record, "rev/1"), service is null ? null : Running(service));

        Assert.Equal(expected, status.StatusCode);
    }

    [Fact]
    public void An_update_answers_the_configuration_it_deploys()
    {
        var updated = ExpressGatewayView.Updated(Record("ACTIVE", "rev/1", "rev/2"), Running("ACTIVE", "rev/1"));

        Assert.Equal("rev/2", updated.TargetConfiguration!.ServiceRevisionArn);
        Assert.Equal("http://127.0.0.1:40123", updated.TargetConfiguration.IngressPaths![0].Endpoint);
    }
}
