namespace Berth.WebConsole.Tests;

/// <summary>
/// One <c>./berth up</c> and one browser for all the console's tests (starting them is most of the cost), and a service
/// whose container prints a numbered line every second into CloudWatch Logs.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Cluster = "default";
    public const string SharedService = "shared";
    public const string LogGroup = "/berth/console-test";

    private BerthUp? _berth;
    private ConsoleBrowser? _browser;

    public BerthUp Berth => _berth!;

    public ConsoleBrowser Browser => _browser!;

    /// <summary>
    /// A task definition whose container prints <c>console-line N</c> each second with the awslogs driver, and stops at
    /// once on SIGTERM (a shell as PID 1 would otherwise ignore it until Docker's stop timeout).
    /// </summary>
    public static object TaskDefinition(string family) => new
    {
        family,
        containerDefinitions = new[]
        {
            new
            {
                name = "app",
                image = "berth/sample-tools",
                memory = 16,
                command = new[] { "sh", "-c", "trap 'exit 0' TERM; i=0; while true; do echo console-line $i; i=$((i+1)); sleep 1 & wait $!; done" },
                logConfiguration = new
                {
                    logDriver = "awslogs",
                    options = new Dictionary<string, string>
                    {
                        ["awslogs-group"] = LogGroup,
                        ["awslogs-region"] = "us-east-1",
                        ["awslogs-stream-prefix"] = "c",
                        ["awslogs-create-group"] = "true",
                    },
                },
            },
        },
    };

    public async Task InitializeAsync()
    {
        _berth = await BerthUp.StartAsync("up");
        _browser = new ConsoleBrowser(_berth.Endpoint);
        // The local agent creates cluster "default" when it registers its instance.
        if (!await Poll.UntilAsync(async () => (await InstanceCountAsync()) > 0, TimeSpan.FromMinutes(2)))
        {
            throw new InvalidOperationException($"the local agent did not register. Server output:\n{_berth.Output()}");
        }
        await _berth.EcsAsync("RegisterTaskDefinition", TaskDefinition("console-shared"));
        await _berth.EcsAsync("CreateService", new { cluster = Cluster, serviceName = SharedService, taskDefinition = "console-shared", desiredCount = 1 });
    }

    /// <summary>The id of a RUNNING task of the shared service, once there is one.</summary>
    public async Task<string> RunningSharedTaskAsync()
    {
        string? id = null;
        var found = await Poll.UntilAsync(async () =>
        {
            var arns = (await Berth.EcsAsync("ListTasks", new { cluster = Cluster, serviceName = SharedService, desiredStatus = "RUNNING" }))["taskArns"]!.AsArray();
            if (arns.Count == 0)
            {
                return false;
            }
            var tasks = (await Berth.EcsAsync("DescribeTasks", new { cluster = Cluster, tasks = arns.Select(a => a!.GetValue<string>()).ToArray() }))["tasks"]!.AsArray();
            id = tasks.FirstOrDefault(t => t!["lastStatus"]!.GetValue<string>() == "RUNNING")?["taskArn"]!.GetValue<string>().Split('/')[^1];
            return id is not null;
        }, TimeSpan.FromMinutes(2));
        return found ? id! : throw new TimeoutException($"no task of service {SharedService} became RUNNING. Server output:\n{Berth.Output()}");
    }

    public async Task DisposeAsync()
    {
        _browser?.Dispose();
        if (_berth is not null)
        {
            await _berth.DisposeAsync();
        }
    }

    private async Task<int> InstanceCountAsync()
    {
        try
        {
            return (await Berth.EcsAsync("ListContainerInstances", new { cluster = Cluster }))["containerInstanceArns"]!.AsArray().Count;
        }
        catch (InvalidOperationException)
        {
            return 0; // ClusterNotFoundException until the agent has registered
        }
    }
}
