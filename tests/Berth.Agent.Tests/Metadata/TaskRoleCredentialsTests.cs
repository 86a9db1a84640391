using Berth.Agent.Networking;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Metadata;

/// <summary>Task role credentials read from inside containers on the real engine, at 169.254.170.2 as ECS serves them.</summary>
public sealed class TaskRoleCredentialsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly TaskRoleCredentials Role = new()
    {
        RoleArn = "arn:aws:iam::000000000000:role/probe",
        AccessKeyId = "ASIAPROBE",
        SecretAccessKey = "probe-secret",
        Token = "probe-token",
        Expiration = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    /// <summary>
    /// A web container and a probe that reads the credentials as an SDK's container provider does: the relative URI on
    /// 169.254.170.2, retried while the route is being set up (timeout bounds each attempt: the image's busybox wget has
    /// no working -T). The probe exits 0 only if it read the task's credentials.
    /// </summary>
    private static TaskAssignment WithProbe(string family, string? networkMode)
    {
        var task = TestTasks.Assignment(family, networkMode,
            TestTasks.Web("web"),
            TestTasks.Tools("probe", """
                for i in $(seq 1 30); do timeout 3 wget -q -O /tmp/c "http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" && break; sleep 1; done
                grep -q '"AccessKeyId":"ASIAPROBE","SecretAccessKey":"probe-secret","Token":"probe-token","Expiration":"2030-01-02T03:04:05Z"' /tmp/c || exit 7
                """, essential: false));
        return task with { RoleCredentials = Role };
    }

    private static async Task AssertProbeReadTheCredentialsAsync(AgentHarness h, TaskAssignment task)
    {
        var probed = await h.Server.WaitForReportAsync(task.Task.TaskArn!, r => r.Containers.Single(c => c.Name == "probe").LastStatus == "STOPPED", Timeout);
        Assert.Equal(0, probed.Containers.Single(c => c.Name == "probe").ExitCode);
    }

    [Fact]
    public async Task A_container_fetches_its_tasks_credentials_through_its_env_var_and_another_task_cannot()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var owner = WithProbe("creds", "bridge");
        h.Server.Assign(owner);

        await AssertProbeReadTheCredentialsAsync(h, owner);

        var web = (await h.Server.WaitForReportAsync(owner.Task.TaskArn!, r => r.LastStatus == "RUNNING", Timeout)).Containers.Single(c => c.Name == "web");
        var env = (await DockerEnvironment.Client.Containers.InspectContainerAsync(web.RuntimeId!)).Config!.Env!;
        var path = env.Single(e => e.StartsWith("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=", StringComparison.Ordinal)).Split('=', 2)[1];
        Assert.Matches("^/v2/credentials/[0-9a-f]{32}$", path);
        Assert.Contains($"-d {IptablesScript.CredentialsAddress}/32", HostCommand.Run("iptables", "-t", "nat", "-S", IptablesScript.CredentialsChainOf(h.Namespace)).Output,
            StringComparison.Ordinal);

        // Another task knows the path (it leaked) and asks both at 169.254.170.2 and at the listener itself: refused either way.
        var thief = TestTasks.Assignment("thief", "bridge", TestTasks.Tools("thief", $"""
            if timeout 3 wget -q -O - "http://169.254.170.2{path}"; then exit 8; fi
            if timeout 3 wget -q -O - "{h.Agent!.MetadataEndpoint}{path}"; then exit 9; fi
            exit 0
            """));
        h.Server.Assign(thief);
        var refused = await h.Server.WaitForReportAsync(thief.Task.TaskArn!, r => r.LastStatus == "STOPPED", Timeout);
        Assert.Equal(0, refused.Containers.Single().ExitCode);

        // The host is no task of the agent either.
        using var http = new HttpClient();
        var fromHost = await http.GetAsync(new Uri(h.Agent.MetadataEndpoint + path));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, fromHost.StatusCode);
        Assert.Contains("InvalidIdInRequest", await fromHost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_awsvpc_task_fetches_its_credentials_from_its_own_address()
    {
        await using var h = await AgentHarness.StartAsync(output);
        await using var subnet = new TestSubnet(h.Namespace);
        var task = subnet.Attach(WithProbe("creds-vpc", null), TestSubnet.Group("sg-none"));
        h.Server.Assign(task);

        await AssertProbeReadTheCredentialsAsync(h, task);
        Assert.Contains($"-s {task.Network!.PrivateIPv4Address}/32", HostCommand.Run("iptables", "-t", "nat", "-S", IptablesScript.CredentialsChainOf(h.Namespace)).Output,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_mode_task_fetches_its_credentials_from_the_full_uri_with_its_token_and_not_without_it()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var task = TestTasks.Assignment("creds-host", "host", TestTasks.Tools("probe", """
            case "$AWS_CONTAINER_CREDENTIALS_FULL_URI" in http://127.0.0.1:*/v2/credentials/*) ;; *) exit 5 ;; esac
            [ -z "$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" ] || exit 6
            if timeout 3 wget -q -O - "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; then exit 8; fi
            timeout 3 wget -q -O /tmp/c --header "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" || exit 9
            grep -q '"AccessKeyId":"ASIAPROBE"' /tmp/c || exit 7
            """)) with { RoleCredentials = Role };
        h.Server.Assign(task);

        var stopped = await h.Server.WaitForReportAsync(task.Task.TaskArn!, r => r.LastStatus == "STOPPED", Timeout);
        Assert.Equal(0, stopped.Containers.Single().ExitCode);
    }
}
