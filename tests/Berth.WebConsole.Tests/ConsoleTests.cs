using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenQA.Selenium;

namespace Berth.WebConsole.Tests;

/// <summary>
/// What a user does in the console, in Chromium against a real <c>./berth up</c> with real containers. Each test leaves
/// screenshots of the pages it used in the artifacts (TestResults/console-screenshots).
/// </summary>
public sealed class ConsoleTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private const string Cluster = ConsoleFixture.Cluster;

    private ConsoleBrowser Browser => fixture.Browser;

    private static string ServicePage(string service) => $"/clusters/{Cluster}/services/{service}";

    [Fact]
    public void Browsers_opening_the_root_land_on_the_console_listing_clusters()
    {
        Browser.Driver.Navigate().GoToUrl(fixture.Berth.Endpoint);

        Assert.EndsWith("/console/", new Uri(Browser.Driver.Url).AbsolutePath, StringComparison.Ordinal);
        var row = Browser.Find($"#cluster-table tr[data-id='{Cluster}']");
        Assert.Contains("ACTIVE", row.Text, StringComparison.Ordinal);
        Browser.Screenshot("clusters");
    }

    [Fact]
    public void A_service_created_from_a_task_definition_registered_in_the_editor_gets_running_tasks()
    {
        Browser.Open("/task-definitions");
        Browser.Fill("#task-definition-json", JsonSerializer.Serialize(ConsoleFixture.TaskDefinition("console-created")));
        Browser.Click("#register-task-definition button");
        Browser.Until(() => Browser.Driver.Url.EndsWith("#/task-definitions/console-created/1", StringComparison.Ordinal), "the new revision's page");
        Assert.Contains("\"family\": \"console-created\"", Browser.TextOf("#task-definition-view"), StringComparison.Ordinal);
        Browser.Screenshot("task-definition");

        Browser.Open($"/clusters/{Cluster}");
        Browser.Fill("#create-serviceName", "created");
        Browser.Fill("#create-taskDefinition", "console-created");
        Browser.Fill("#create-desiredCount", "2");
        Browser.Click("#create-service-button button");

        Browser.Until(() => Browser.Driver.Url.EndsWith($"#{ServicePage("created")}", StringComparison.Ordinal), "the new service's page");
        Browser.Until(() => RunningTaskIds("#service-task-table").Count == 2, "two RUNNING tasks in the service's task table");
        Browser.Screenshot("service");
    }

    [Fact]
    public async Task Stopping_a_task_shows_the_replacement_the_service_starts()
    {
        var task = await fixture.RunningSharedTaskAsync();
        Browser.Open($"/clusters/{Cluster}/tasks/{task}");
        Browser.ClickAndConfirm("#stop-task button");
        // The first item of the summary is the last status (the desired status says STOPPED at once).
        Browser.Until(() => Browser.TextOf("#task-summary dd") == "STOPPED", "the task's last status STOPPED on its own page");
        Browser.Screenshot("task-stopped");

        Browser.Open(ServicePage(ConsoleFixture.SharedService));
        Browser.Until(() => RunningTaskIds("#service-task-table").Any(id => id != task), "a replacement task RUNNING");
        Assert.Contains("STOPPED", Browser.TextOf($"#service-task-table tr[data-id='{task}']"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_the_container_prints_appears_in_the_live_tail()
    {
        var task = await fixture.RunningSharedTaskAsync();
        Browser.Open($"/clusters/{Cluster}/tasks/{task}");

        var first = Browser.Until(() => LogLines().Count > 0 ? LogLines() : null, "the container's first log lines");
        Assert.StartsWith("console-line", MessageOf(first[0]), StringComparison.Ordinal);
        // The container prints a line a second: one printed after the page loaded arrives without a reload.
        Browser.Until(() => LogLines().Count > first.Count ? LogLines() : null, "a newer log line, tailed live");
        Browser.Screenshot("task");

        Browser.Open($"/logs/{Uri.EscapeDataString(ConsoleFixture.LogGroup)}");
        Browser.Fill("#filter-pattern", "console-line");
        Browser.Click("#filter-form button");
        Assert.Contains("console-line", Browser.TextOf("#filter-results .log-line"), StringComparison.Ordinal);
        Browser.Screenshot("log-group");
    }

    [Fact]
    public async Task Changing_the_desired_count_scales_the_service()
    {
        await fixture.RunningSharedTaskAsync();
        Browser.Open(ServicePage(ConsoleFixture.SharedService));
        Browser.Fill("#desired-count", "2");
        Browser.Click("#update-desired-count button");

        Browser.Until(() => RunningTaskIds("#service-task-table").Count == 2, "two RUNNING tasks after scaling to 2");
        var described = await fixture.Berth.EcsAsync("DescribeServices", new { cluster = Cluster, services = new[] { ConsoleFixture.SharedService } });
        Assert.Equal(2, described["services"]![0]!["desiredCount"]!.GetValue<int>());
        await fixture.Berth.EcsAsync("UpdateService", new { cluster = Cluster, service = ConsoleFixture.SharedService, desiredCount = 1 });
    }

    [Fact]
    public async Task A_refused_action_shows_the_apis_error_message_and_changes_nothing()
    {
        await fixture.RunningSharedTaskAsync();
        Browser.Open(ServicePage(ConsoleFixture.SharedService));
        Browser.ClickAndConfirm("#delete-service button");

        var error = Browser.TextOf("#delete-service .action-result.error");
        Assert.Equal("InvalidParameterException: The service cannot be stopped while it is scaled above 0.", error);
        Browser.Screenshot("refused-action");
        var described = await fixture.Berth.EcsAsync("DescribeServices", new { cluster = Cluster, services = new[] { ConsoleFixture.SharedService } });
        Assert.Equal("ACTIVE", described["services"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deploying_a_revision_and_forcing_a_new_deployment_each_start_a_primary_deployment()
    {
        // Scaled to 0, so each rollout completes without starting a container.
        await fixture.Berth.EcsAsync("RegisterTaskDefinition", ConsoleFixture.TaskDefinition("console-deployed"));
        await fixture.Berth.EcsAsync("RegisterTaskDefinition", ConsoleFixture.TaskDefinition("console-deployed"));
        await fixture.Berth.EcsAsync("CreateService", new { cluster = Cluster, serviceName = "deployed", taskDefinition = "console-deployed:1", desiredCount = 0 });
        Browser.Open(ServicePage("deployed"));
        var first = Browser.Until(PrimaryDeployment, "the service's first deployment");

        Browser.Fill("#deploy-task-definition", "console-deployed:2");
        Browser.Click("#deploy-revision button");
        var deployed = Browser.Until(() => PrimaryDeployment() is { } d && d.Id != first.Id ? d : null, "a new PRIMARY deployment");
        Assert.Equal("console-deployed:2", deployed.TaskDefinition);

        Browser.Click("#force-new-deployment button");
        var forced = Browser.Until(() => PrimaryDeployment() is { } d && d.Id != deployed.Id ? d : null, "a forced PRIMARY deployment");
        Assert.Equal("console-deployed:2", forced.TaskDefinition);
        Browser.Screenshot("service-deployments");
    }

    [Fact]
    public async Task A_target_tracking_policy_is_put_and_deleted_from_the_service_page()
    {
        await fixture.Berth.EcsAsync("RegisterTaskDefinition", ConsoleFixture.TaskDefinition("console-scaled"));
        await fixture.Berth.EcsAsync("CreateService", new { cluster = Cluster, serviceName = "scaled", taskDefinition = "console-scaled", desiredCount = 0 });
        Browser.Open(ServicePage("scaled"));

        Browser.Fill("#scaling-min", "0");
        Browser.Fill("#scaling-max", "3");
        Browser.Click("#register-scalable-target button");
        Browser.Until(() => Browser.TextOf("#scalable-target") == "Scalable target: 0 to 3 tasks.", "the scalable target's bounds");
        Browser.Fill("#policy-name", "cpu-half");
        Browser.Fill("#policy-target", "50");
        Browser.Click("#put-scaling-policy button");
        var row = "#policy-table tr[data-id='cpu-half']";
        Assert.Contains("ECSServiceAverageCPUUtilization", Browser.TextOf(row), StringComparison.Ordinal);
        Browser.Screenshot("service-scaling");

        Browser.ClickAndConfirm($"{row} button");
        Browser.Until(() => Browser.Driver.FindElements(By.CssSelector(row)).Count == 0, "the policy gone from the table");
    }

    [Fact]
    public async Task Draining_and_activating_a_container_instance()
    {
        // An instance too small for any task and with no agent: draining it moves no task of the other tests.
        var identity = JsonSerializer.Serialize(new { instanceId = "i-console-drain", availabilityZone = "us-east-1a", hostAddress = "127.0.0.1" });
        var registered = await fixture.Berth.EcsAsync("RegisterContainerInstance", new
        {
            cluster = Cluster,
            instanceIdentityDocument = identity,
            totalResources = new[] { new { name = "CPU", type = "INTEGER", integerValue = 1 }, new { name = "MEMORY", type = "INTEGER", integerValue = 1 } },
        });
        var arn = registered["containerInstance"]!["containerInstanceArn"]!.GetValue<string>();
        var row = $"#instance-table tr[data-id='{arn.Split('/')[^1]}']";
        try
        {
            Browser.Open($"/clusters/{Cluster}");
            Browser.Click($"{row} button");
            Browser.Until(() => Browser.TextOf(row).Contains("DRAINING", StringComparison.Ordinal), "the instance DRAINING");
            Browser.Click($"{row} button");
            Browser.Until(() => Browser.TextOf(row).Contains("ACTIVE", StringComparison.Ordinal), "the instance ACTIVE again");
            Browser.Screenshot("cluster");
        }
        finally
        {
            await fixture.Berth.EcsAsync("DeregisterContainerInstance", new { cluster = Cluster, containerInstance = arn, force = true });
        }
    }

    [Fact]
    public async Task The_event_stream_page_shows_events_as_they_happen()
    {
        Browser.Open("/events");
        await fixture.Berth.EcsAsync("RegisterTaskDefinition", ConsoleFixture.TaskDefinition("console-evented"));
        await fixture.Berth.EcsAsync("CreateService", new { cluster = Cluster, serviceName = "evented", taskDefinition = "console-evented", desiredCount = 0 });

        Browser.Until(() => Browser.Driver.FindElements(By.CssSelector("#event-stream-table tbody tr"))
            .Any(r => r.Text.Contains("ECS Deployment State Change", StringComparison.Ordinal)), "the new service's deployment event");
        Browser.Screenshot("events");
    }

    [Fact]
    public async Task The_cost_page_shows_a_services_usage_and_the_clean_up_page_applies_its_suggestions()
    {
        await fixture.RunningSharedTaskAsync();
        Browser.Open("/cost");
        var row = Browser.Find($"#cost-table tr[data-id='{Cluster}/{ConsoleFixture.SharedService}/EC2']");
        // An EC2 task costs nothing on a Fargate bill; its Fargate price shows apart, at least its first minute's.
        Assert.Contains("0.00 USD", row.Text, StringComparison.Ordinal);
        Assert.Contains("would cost", Browser.TextOf("#cost-total"), StringComparison.Ordinal);
        Browser.Screenshot("cost");

        var registered = await fixture.Berth.EcsAsync("RegisterTaskDefinition", ConsoleFixture.TaskDefinition("console-leftover"));
        var revision = registered["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        await fixture.Berth.EcsAsync("DeregisterTaskDefinition", new { taskDefinition = revision });
        Browser.Open("/cleanup");
        Assert.Contains("INACTIVE", Browser.Find($"#cleanup-table tr[data-id='{revision}']").Text, StringComparison.Ordinal);
        Browser.Screenshot("cleanup");

        Browser.ClickAndConfirm("#cleanup-apply button");
        Browser.Until(() => Browser.Driver.FindElements(By.CssSelector($"#cleanup-table tr[data-id='{revision}'] td")).LastOrDefault()?.Text == "done",
            "the revision's clean-up result");
        var described = await fixture.Berth.EcsAsync("DescribeTaskDefinition", new { taskDefinition = revision });
        Assert.Equal("DELETE_IN_PROGRESS", described["taskDefinition"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_cost_page_grouped_by_a_tag_shows_a_tasks_usage_and_its_Fargate_price_from_its_size_and_run_time()
    {
        // A quarter vCPU and half a GB that exits at once: billed for Fargate's one-minute minimum unless the host took
        // longer than that from the pull to the stop, so the figures follow from DescribeTasks' times.
        await fixture.Berth.EcsAsync("RegisterTaskDefinition", new
        {
            family = "console-costed",
            cpu = "256",
            memory = "512",
            containerDefinitions = new[] { new { name = "app", image = "berth/sample-tools", command = new[] { "true" } } },
        });
        var tag = $"run-{Guid.NewGuid():N}";
        var run = await fixture.Berth.EcsAsync("RunTask", new { cluster = Cluster, taskDefinition = "console-costed", tags = new[] { new { key = "cost-case", value = tag } } });
        var task = run["tasks"]![0]!["taskArn"]!.GetValue<string>();
        JsonNode? stopped = null;
        Assert.True(await Poll.UntilAsync(async () =>
        {
            stopped = (await fixture.Berth.EcsAsync("DescribeTasks", new { cluster = Cluster, tasks = new[] { task } }))["tasks"]![0];
            return stopped!["lastStatus"]!.GetValue<string>() == "STOPPED";
        }, TimeSpan.FromMinutes(2)), $"task {task} did not stop");
        var began = (stopped!["pullStartedAt"] ?? stopped["startedAt"])!.GetValue<double>();
        var seconds = Math.Max(60, Math.Ceiling(stopped["stoppedAt"]!.GetValue<double>() - began));
        var vcpuHours = 0.25m * (decimal)seconds / 3600;
        var gbHours = 0.5m * (decimal)seconds / 3600;
        // us-east-1's on-demand rates (src/Berth.Core/Cost/fargate-prices.json), the region `berth up` serves.
        var onFargate = (vcpuHours * 0.04048m) + (gbHours * 0.004445m);

        Browser.Open("/cost");
        Browser.Fill("#cost-period input[name='tag']", "cost-case");
        Browser.Click("#cost-period button");
        var cells = Browser.Until(() => Browser.Driver.FindElements(By.CssSelector($"#cost-table tr[data-id='/{tag}/EC2'] td")) is { Count: > 0 } found
            ? found.Select(c => c.Text).ToList()
            : null, "the tag value's row");
        Browser.Screenshot("cost-by-tag");

        // Tag value, capacity, tasks, vCPU-hours, GB-hours, cost, Spot savings, on Fargate (figures below 1 in two significant digits).
        Assert.Equal([tag, "EC2", "1"], cells[..3]);
        Assert.Equal(TwoSignificantDigits(vcpuHours), decimal.Parse(cells[3], CultureInfo.InvariantCulture));
        Assert.Equal(TwoSignificantDigits(gbHours), decimal.Parse(cells[4], CultureInfo.InvariantCulture));
        Assert.Equal("0.00 USD", cells[5]);
        Assert.Equal("", cells[6]);
        Assert.EndsWith(" USD", cells[7], StringComparison.Ordinal);
        Assert.Equal(TwoSignificantDigits(onFargate), decimal.Parse(cells[7][..^4], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_cluster_with_more_services_than_a_page_shows_them_a_page_at_a_time_in_name_order()
    {
        // A cluster of its own, with services of no tasks: the other tests' cluster and agent are not touched.
        const string cluster = "console-paging";
        await fixture.Berth.EcsAsync("CreateCluster", new { clusterName = cluster });
        await fixture.Berth.EcsAsync("RegisterTaskDefinition", ConsoleFixture.TaskDefinition("console-paging"));
        var names = Enumerable.Range(0, 23).Select(i => $"svc-{i:D2}").ToList();
        foreach (var name in names.AsEnumerable().Reverse())
        {
            await fixture.Berth.EcsAsync("CreateService", new { cluster, serviceName = name, taskDefinition = "console-paging", desiredCount = 0 });
        }

        Browser.Open($"/clusters/{cluster}");
        // Until, not a single read: an event of the services' creation may still re-render the table.
        Browser.Until(() => ServiceRows().SequenceEqual(names[..20]), "the first 20 services in name order");
        Assert.StartsWith("Services 1–20 of 23", Browser.TextOf("#service-pager"), StringComparison.Ordinal);

        Browser.Click("#service-pager button:last-of-type");
        Browser.Until(() => ServiceRows().SequenceEqual(names[20..]), "the last 3 services");
        Assert.StartsWith("Services 21–23 of 23", Browser.TextOf("#service-pager"), StringComparison.Ordinal);
        Browser.Screenshot("cluster-services-page-2");
    }

    private List<string> ServiceRows() =>
        [.. Browser.Driver.FindElements(By.CssSelector("#service-table tbody tr")).Select(row => row.GetDomAttribute("data-id") ?? "")];

    private sealed record Deployment(string Id, string TaskDefinition);

    /// <summary>The PRIMARY row of the service page's deployment table (its id and task definition), once there is one.</summary>
    private Deployment? PrimaryDeployment() => Browser.Driver.FindElements(By.CssSelector("#deployment-table tbody tr"))
        .Select(r => r.FindElements(By.CssSelector("td")).Select(c => c.Text).ToList())
        .Where(cells => cells[1] == "PRIMARY")
        .Select(cells => new Deployment(cells[0], cells[2]))
        .FirstOrDefault();

    /// <summary>The ids of the rows of a task table whose last status is RUNNING.</summary>
    private List<string> RunningTaskIds(string table) =>
        [.. Browser.Driver.FindElements(By.CssSelector($"{table} tbody tr"))
            .Where(row => row.FindElements(By.CssSelector("td"))[2].Text == "RUNNING")
            .Select(row => row.GetDomAttribute("data-id") ?? "")];

    private List<string> LogLines() => [.. Browser.Driver.FindElements(By.CssSelector("#task-logs .log-line")).Select(line => line.Text)];

    /// <summary>A figure below 1 as the cost page shows it (cost.js: two significant digits, half away from zero).</summary>
    private static decimal TwoSignificantDigits(decimal value) =>
        Math.Round(value, 1 - (int)Math.Floor(Math.Log10((double)value)), MidpointRounding.AwayFromZero);

    /// <summary>A tail line is its time, a space and the message.</summary>
    private static string MessageOf(string line) => line[(line.IndexOf(' ', line.IndexOf(' ', StringComparison.Ordinal) + 1) + 1)..];
}
