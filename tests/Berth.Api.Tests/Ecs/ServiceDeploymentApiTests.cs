using System.Net;
using System.Text.Json.Nodes;
using Berth.Api.Tests.CloudWatch;

namespace Berth.Api.Tests.Ecs;

/// <summary>
/// Service deployments and revisions over HTTP, with container instances registered through the API (no agent): a
/// service scaled to zero completes its deployments at once, one with tasks on a cluster without instances stays
/// IN_PROGRESS (no task can be placed).
/// </summary>
public class ServiceDeploymentApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private async Task ServiceAsync(string cluster)
    {
        await ClusterCapacity.ClusterWithWebAsync(_ecs, cluster);
        await _ecs.OkAsync("CreateService", new { cluster, serviceName = "web", taskDefinition = "web", desiredCount = 0 });
    }

    private async Task<JsonArray> ListAsync(object request) =>
        (await _ecs.OkAsync("ListServiceDeployments", request))["serviceDeployments"]!.AsArray();

    private async Task<JsonNode> DeploymentAsync(string arn) =>
        (await _ecs.OkAsync("DescribeServiceDeployments", new { serviceDeploymentArns = new[] { arn } }))["serviceDeployments"]![0]!;

    private Task<JsonArray> ListedAsync(string cluster, int count, string? status = null) =>
        Eventually.ReadAsync(() => ListAsync(new { cluster, service = "web" }),
            l => l.Count == count && (status is null || (string)l[0]!["status"]! == status));

    [Fact]
    public async Task CreateService_records_a_revision_and_a_deployment_that_succeeds()
    {
        await ServiceAsync("hist");

        var listed = await ListedAsync("hist", 1, "SUCCESSFUL");

        var brief = Assert.Single(listed)!;
        var arn = (string)brief["serviceDeploymentArn"]!;
        Assert.Matches($"^{_ecs.ArnPrefix}:service-deployment/hist/web/[A-Za-z0-9_-]{{22}}$", arn);
        Assert.Equal(($"{_ecs.ArnPrefix}:service/hist/web", _ecs.ClusterArn("hist"), "SUCCESSFUL"),
            ((string)brief["serviceArn"]!, (string)brief["clusterArn"]!, (string)brief["status"]!));
        Assert.NotNull(brief["finishedAt"]);
        var deployment = await DeploymentAsync(arn);
        Assert.Empty(deployment["sourceServiceRevisions"]!.AsArray());
        Assert.Equal("DISABLED", (string)deployment["deploymentCircuitBreaker"]!["status"]!);
        Assert.Equal(200, (int)deployment["deploymentConfiguration"]!["maximumPercent"]!);
        var revisionArn = (string)deployment["targetServiceRevision"]!["arn"]!;
        Assert.Equal(revisionArn, (string)brief["targetServiceRevisionArn"]!);
        Assert.Matches($"^{_ecs.ArnPrefix}:service-revision/hist/web/[0-9]{{19}}$", revisionArn);

        var revisions = await _ecs.OkAsync("DescribeServiceRevisions", new { serviceRevisionArns = new[] { revisionArn, revisionArn + "0" } });

        var revision = Assert.Single(revisions["serviceRevisions"]!.AsArray())!;
        Assert.Equal((_ecs.TaskDefinitionArn("web", 1), "EC2", false),
            ((string)revision["taskDefinition"]!, (string)revision["launchType"]!, (bool)revision["guardDutyEnabled"]!));
        Assert.Equal("""[{"containerName":"web","image":"berth/sample-web"}]""", revision["containerImages"]!.ToJsonString());
        var failure = Assert.Single(revisions["failures"]!.AsArray())!;
        Assert.Equal((revisionArn + "0", "MISSING"), ((string)failure["arn"]!, (string)failure["reason"]!));
    }

    [Fact]
    public async Task An_update_deploys_from_the_old_revision_and_Stop_rolls_it_back()
    {
        await ServiceAsync("roll");
        var first = (await ListedAsync("roll", 1, "SUCCESSFUL"))[0]!;
        var firstRevision = (string)first["targetServiceRevisionArn"]!;
        await ClusterCapacity.RegisterWebAsync(_ecs, "web", cpu: 256, memory: 256);

        await _ecs.OkAsync("UpdateService", new { cluster = "roll", service = "web", taskDefinition = "web:2", desiredCount = 1 });

        var listed = await ListAsync(new { cluster = "roll", service = "web" });
        Assert.Equal(2, listed.Count);
        var arn = (string)listed[0]!["serviceDeploymentArn"]!;
        Assert.Equal("IN_PROGRESS", (string)listed[0]!["status"]!);
        var deployment = await DeploymentAsync(arn);
        Assert.Equal(firstRevision, (string)Assert.Single(deployment["sourceServiceRevisions"]!.AsArray())!["arn"]!);
        var revision = (await _ecs.OkAsync("DescribeServiceRevisions", new { serviceRevisionArns = new[] { (string)deployment["targetServiceRevision"]!["arn"]! } }))["serviceRevisions"]![0]!;
        Assert.Equal(_ecs.TaskDefinitionArn("web", 2), (string)revision["taskDefinition"]!);

        var current = (await _ecs.OkAsync("DescribeServices", new { cluster = "roll", services = new[] { "web" } }))["services"]![0]!;
        Assert.Equal(arn, (string)current["currentServiceDeployment"]!);
        Assert.Equal(new[] { firstRevision, (string)deployment["targetServiceRevision"]!["arn"]! }.Order(StringComparer.Ordinal),
            current["currentServiceRevisions"]!.AsArray().Select(r => (string)r!["arn"]!).Order(StringComparer.Ordinal));

        var stopped = await _ecs.OkAsync("StopServiceDeployment", new { serviceDeploymentArn = arn, stopType = "ROLLBACK" });

        Assert.Equal(arn, (string)stopped["serviceDeploymentArn"]!);
        var rolling = await DeploymentAsync(arn);
        Assert.Contains((string)rolling["status"]!, new[] { "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS" });
        Assert.Equal(firstRevision, (string)rolling["rollback"]!["serviceRevisionArn"]!);
        var service = (await _ecs.OkAsync("DescribeServices", new { cluster = "roll", services = new[] { "web" } }))["services"]![0]!;
        Assert.Equal(_ecs.TaskDefinitionArn("web", 1), (string)service["taskDefinition"]!);

        // The rollback's tasks cannot be placed here (no instance): at zero tasks it completes.
        await _ecs.OkAsync("UpdateService", new { cluster = "roll", service = "web", desiredCount = 0 });
        var done = await Eventually.ReadAsync(() => DeploymentAsync(arn), d => (string)d["status"]! == "ROLLBACK_SUCCESSFUL");
        Assert.Equal("ROLLBACK_SUCCESSFUL", (string)done["status"]!);
        Assert.NotNull(done["finishedAt"]);
        Assert.Equal(2, (await ListAsync(new { cluster = "roll", service = "web" })).Count);

        var again = await _ecs.SendAsync("StopServiceDeployment", new { serviceDeploymentArn = arn });
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal("ConflictException", (string)again.Body!["__type"]!);
        Assert.Equal(arn, (string)again.Body["resourceIds"]![0]!);
    }

    [Fact]
    public async Task A_deployment_alarm_in_alarm_rolls_the_deployment_back_and_the_service_deployment_names_it()
    {
        await ServiceAsync("alarmed");
        await ListedAsync("alarmed", 1, "SUCCESSFUL");
        await ClusterCapacity.RegisterInstanceAsync(_ecs, "alarmed", "i-alarmed");
        await ClusterCapacity.RegisterWebAsync(_ecs, "web", cpu: 256, memory: 256);
        var cloudWatch = new CloudWatchClient(server.Http, _ecs.Region);
        var alarm = CloudWatchClient.SumAlarm("web-5xx");
        Assert.Equal(HttpStatusCode.OK, (await cloudWatch.JsonAsync("PutMetricAlarm", alarm)).Status);

        await _ecs.OkAsync("UpdateService", new
        {
            cluster = "alarmed",
            service = "web",
            taskDefinition = "web:2",
            desiredCount = 1,
            deploymentConfiguration = new { alarms = new { alarmNames = new[] { "web-5xx", "not-an-alarm" }, enable = true, rollback = true } },
        });
        var arn = (string)(await ListAsync(new { cluster = "alarmed", service = "web" }))[0]!["serviceDeploymentArn"]!;
        var monitoring = await DeploymentAsync(arn);
        Assert.Equal("""{"status":"MONITORING","alarmNames":["web-5xx","not-an-alarm"],"triggeredAlarmNames":[]}""", monitoring["alarms"]!.ToJsonString());
        var task = await Eventually.ReadAsync(
            async () => (await _ecs.OkAsync("ListTasks", new { cluster = "alarmed", serviceName = "web" }))["taskArns"]!.AsArray(), t => t.Count == 1);
        await _ecs.OkAsync("SubmitTaskStateChange", new { cluster = "alarmed", task = (string)task[0]!, status = "RUNNING" });
        var set = new JsonObject { ["AlarmName"] = "web-5xx", ["StateValue"] = "ALARM", ["StateReason"] = "errors after the deployment" };
        Assert.Equal(HttpStatusCode.OK, (await cloudWatch.JsonAsync("SetAlarmState", set)).Status);

        var rolling = await Eventually.ReadAsync(() => DeploymentAsync(arn), d => (string)d["status"]! != "IN_PROGRESS");

        Assert.Equal("ROLLBACK_IN_PROGRESS", (string)rolling["status"]!);
        Assert.Equal("""{"status":"TRIGGERED","alarmNames":["web-5xx","not-an-alarm"],"triggeredAlarmNames":["web-5xx"]}""", rolling["alarms"]!.ToJsonString());
        Assert.StartsWith("ECS deployment alarms: rolling back to deploymentId ecs-svc/", (string)rolling["statusReason"]!, StringComparison.Ordinal);
        var service = (await _ecs.OkAsync("DescribeServices", new { cluster = "alarmed", services = new[] { "web" } }))["services"]![0]!;
        Assert.Equal(_ecs.TaskDefinitionArn("web", 1), (string)service["taskDefinition"]!);
        var failed = service["deployments"]!.AsArray().Single(d => (string)d!["rolloutState"]! == "FAILED")!;
        Assert.Equal("ECS deployment alarms: alarm(s) web-5xx in ALARM.", (string)failed["rolloutStateReason"]!);
        Assert.Contains(service["events"]!.AsArray(), e => ((string)e!["message"]!).EndsWith("deployment failed: alarm(s) web-5xx in ALARM.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_pages_newest_first_and_filters_by_status_and_creation_time()
    {
        await ServiceAsync("page");
        await ListedAsync("page", 1, "SUCCESSFUL");
        await _ecs.OkAsync("UpdateService", new { cluster = "page", service = "web", forceNewDeployment = true });
        await ListedAsync("page", 2, "SUCCESSFUL");
        await _ecs.OkAsync("UpdateService", new { cluster = "page", service = "web", forceNewDeployment = true });
        var all = await ListedAsync("page", 3, "SUCCESSFUL");

        var firstPage = await _ecs.OkAsync("ListServiceDeployments", new { cluster = "page", service = "web", maxResults = 2 });
        var secondPage = await _ecs.OkAsync("ListServiceDeployments", new { cluster = "page", service = "web", maxResults = 2, nextToken = (string)firstPage["nextToken"]! });

        var paged = firstPage["serviceDeployments"]!.AsArray().Concat(secondPage["serviceDeployments"]!.AsArray()).Select(d => (string)d!["serviceDeploymentArn"]!);
        Assert.Equal(all.Select(d => (string)d!["serviceDeploymentArn"]!), paged);
        Assert.Null(secondPage["nextToken"]);
        var created = all.Select(d => (double)d!["createdAt"]!).ToList();
        Assert.Equal(created.OrderDescending(), created);
        Assert.Equal(3, (await ListAsync(new { cluster = "page", service = "web", status = new[] { "SUCCESSFUL", "STOPPED" } })).Count);
        Assert.Empty(await ListAsync(new { cluster = "page", service = "web", status = new[] { "IN_PROGRESS" } }));
        Assert.Single(await ListAsync(new { cluster = "page", service = "web", createdAt = new { before = created[2] } }));
        Assert.Equal(2, (await ListAsync(new { cluster = "page", service = "web", createdAt = new { after = created[1] } })).Count);
    }

    [Fact]
    public async Task Deleting_the_service_deletes_its_history()
    {
        await ServiceAsync("gone");
        var arn = (string)(await ListedAsync("gone", 1, "SUCCESSFUL"))[0]!["serviceDeploymentArn"]!;

        await _ecs.OkAsync("DeleteService", new { cluster = "gone", service = "web" });

        var described = await Eventually.ReadAsync(
            () => _ecs.OkAsync("DescribeServiceDeployments", new { serviceDeploymentArns = new[] { arn } }),
            d => d["failures"]!.AsArray().Count == 1);
        Assert.Empty(described["serviceDeployments"]!.AsArray());
        Assert.Equal("MISSING", (string)described["failures"]![0]!["reason"]!);
        Assert.Empty(await ListAsync(new { cluster = "gone", service = "web" }));
    }

    [Fact]
    public async Task Continue_is_refused_for_a_hook_the_deployment_never_reached()
    {
        await ServiceAsync("cont");
        var arn = (string)(await ListedAsync("cont", 1))[0]!["serviceDeploymentArn"]!;

        var (type, message) = await _ecs.ErrorAsync("ContinueServiceDeployment", new { serviceDeploymentArn = arn, hookId = "ecs-pause-1" });

        Assert.Equal("InvalidParameterException", type);
        Assert.Equal($"The hook ID ecs-pause-1 does not belong to the service deployment {arn}.", message);
    }

    [Fact]
    public async Task A_pause_hook_holds_the_deployment_until_ContinueServiceDeployment_continues_it()
    {
        var before = DateTimeOffset.UtcNow;
        var paused = await PausedDeployment.StartAsync(_ecs, "pause");
        var arn = (string)paused["serviceDeploymentArn"]!;
        var hook = paused["lifecycleHookDetails"]![0]!;
        var hookId = (string)hook["hookId"]!;

        Assert.Equal(("IN_PROGRESS", "PRE_SCALE_UP"), ((string)paused["status"]!, (string)paused["lifecycleStage"]!));
        Assert.Matches("^ecs-pause-[A-Za-z0-9_-]{43}$", hookId);
        Assert.Equal(("PAUSE", "AWAITING_ACTION", "CONTINUE"), ((string)hook["targetType"]!, (string)hook["status"]!, (string)hook["timeoutAction"]!));
        Assert.Null(hook["targetArn"]);
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds((long)((double)hook["expiresAt"]! * 1000));
        Assert.InRange(expiresAt, before.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.Single((await _ecs.OkAsync("ListTasks", new { cluster = "pause" }))["taskArns"]!.AsArray());
        var first = (string)(await ListAsync(new { cluster = "pause", service = "web" }))[1]!["serviceDeploymentArn"]!;
        var (otherType, _) = await _ecs.ErrorAsync("ContinueServiceDeployment", new { serviceDeploymentArn = first, hookId });
        Assert.Equal("InvalidParameterException", otherType);
        var (actionType, _) = await _ecs.ErrorAsync("ContinueServiceDeployment", new { serviceDeploymentArn = arn, hookId, action = "RESUME" });
        Assert.Equal("InvalidParameterException", actionType);

        var continued = await _ecs.OkAsync("ContinueServiceDeployment", new { serviceDeploymentArn = arn, hookId });

        Assert.Equal(arn, (string)continued["serviceDeploymentArn"]!);
        Assert.Equal("SUCCEEDED", (string)(await DeploymentAsync(arn))["lifecycleHookDetails"]![0]!["status"]!);
        var scaling = await Eventually.ReadAsync(() => DeploymentAsync(arn), d => (string)d["lifecycleStage"]! == "SCALE_UP");
        Assert.Equal("IN_PROGRESS", (string)scaling["status"]!);
        await Eventually.ReadAsync(() => _ecs.OkAsync("ListTasks", new { cluster = "pause" }), t => t["taskArns"]!.AsArray().Count == 2);
        var (againType, againMessage) = await _ecs.ErrorAsync("ContinueServiceDeployment", new { serviceDeploymentArn = arn, hookId, action = "ROLLBACK" });
        Assert.Equal(("ClientException", $"The lifecycle hook {hookId} is SUCCEEDED: only a hook in AWAITING_ACTION status can be continued or rolled back."), (againType, againMessage));
    }

    [Fact]
    public async Task A_rollback_answer_rolls_the_paused_deployment_back_to_the_previous_revision()
    {
        var paused = await PausedDeployment.StartAsync(_ecs, "unpause");
        var arn = (string)paused["serviceDeploymentArn"]!;
        var hookId = (string)paused["lifecycleHookDetails"]![0]!["hookId"]!;

        await _ecs.OkAsync("ContinueServiceDeployment", new { serviceDeploymentArn = arn, hookId, action = "ROLLBACK" });

        var rolling = await Eventually.ReadAsync(() => DeploymentAsync(arn), d => (string)d["status"]! != "IN_PROGRESS");
        Assert.Equal("ROLLBACK_IN_PROGRESS", (string)rolling["status"]!);
        Assert.Equal("FAILED", (string)rolling["lifecycleHookDetails"]![0]!["status"]!);
        Assert.Contains($"ContinueServiceDeployment rolled back the PAUSE lifecycle hook {hookId} at PRE_SCALE_UP", (string)rolling["statusReason"]!, StringComparison.Ordinal);
        var service = (await _ecs.OkAsync("DescribeServices", new { cluster = "unpause", services = new[] { "web" } }))["services"]![0]!;
        Assert.Equal(_ecs.TaskDefinitionArn("web", 1), (string)service["taskDefinition"]!);
        var (type, message) = await _ecs.ErrorAsync("ContinueServiceDeployment", new { serviceDeploymentArn = arn, hookId });
        Assert.Equal(("ClientException", $"The service deployment {arn} is ROLLBACK_IN_PROGRESS: only an IN_PROGRESS service deployment can be continued."), (type, message));
    }

    [Theory]
    [InlineData("StopServiceDeployment", """{"serviceDeploymentArn":"arn:aws:ecs:us-east-1:000000000000:service-deployment/errs/web/none"}""", "ServiceDeploymentNotFoundException")]
    [InlineData("StopServiceDeployment", """{"serviceDeploymentArn":"arn:aws:ecs:us-east-1:000000000000:service-deployment/errs/web/none","stopType":"ABORT"}""", "InvalidParameterException")]
    [InlineData("StopServiceDeployment", """{"serviceDeploymentArn":"arn:aws:ecs:us-east-1:000000000000:service-deployment/errs/web/none","stopType":"HALT"}""", "InvalidParameterException")]
    [InlineData("StopServiceDeployment", """{}""", "InvalidParameterException")]
    [InlineData("ContinueServiceDeployment", """{"serviceDeploymentArn":"arn:aws:ecs:us-east-1:000000000000:service-deployment/errs/web/none","hookId":"h"}""", "ServiceDeploymentNotFoundException")]
    [InlineData("ContinueServiceDeployment", """{"serviceDeploymentArn":"arn:aws:ecs:us-east-1:000000000000:service-deployment/errs/web/none"}""", "InvalidParameterException")]
    [InlineData("ListServiceDeployments", """{"cluster":"errs","service":"nope"}""", "ServiceNotFoundException")]
    [InlineData("ListServiceDeployments", """{"cluster":"nope","service":"web"}""", "ClusterNotFoundException")]
    [InlineData("ListServiceDeployments", """{"cluster":"errs"}""", "InvalidParameterException")]
    [InlineData("ListServiceDeployments", """{"cluster":"errs","service":"web","status":["DONE"]}""", "InvalidParameterException")]
    [InlineData("ListServiceDeployments", """{"cluster":"errs","service":"web","maxResults":101}""", "InvalidParameterException")]
    [InlineData("DescribeServiceDeployments", """{"serviceDeploymentArns":[]}""", "InvalidParameterException")]
    [InlineData("DescribeServiceRevisions", """{"serviceRevisionArns":["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17","18","19","20","21"]}""", "InvalidParameterException")]
    public async Task Invalid_requests_fail_with_ecs_errors(string operation, string body, string error)
    {
        // One service for every case of the theory.
        if ((await _ecs.SendAsync("DescribeServices", new { cluster = "errs", services = new[] { "web" } })).Body?["services"]?.AsArray().Count != 1)
        {
            await ServiceAsync("errs");
        }

        var (type, _) = await _ecs.ErrorAsync(operation, body);

        Assert.Equal(error, type);
    }
}
