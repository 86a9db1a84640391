using System.Net.ServerSentEvents;
using Berth.Core.Events;

namespace Berth.Cli.Tests;

/// <summary><c>berth events</c> prints a deployment's and a hook's events as the service, the deployment and the event's name, then what each adds.</summary>
public sealed class EventLineTests
{
    private const string Service = "arn:aws:ecs:us-east-1:000000000000:service/default/web";

    private static string Line(string type, string detail) =>
        EventLine.Format(new SseItem<string>($$"""{"time":"2026-12-06T07:00:00Z","resources":["{{Service}}"],"detail":{{detail}}}""", type) { EventId = "7" });

    [Fact]
    public void A_failed_deployment_says_why()
    {
        var line = Line(EcsEventTypes.DeploymentStateChange, """{"deploymentId":"ecs-svc/1","eventName":"SERVICE_DEPLOYMENT_FAILED","reason":"circuit breaker"}""");

        Assert.Equal($"7 2026-12-06T07:00:00Z {EcsEventTypes.DeploymentStateChange} {Service} ecs-svc/1 SERVICE_DEPLOYMENT_FAILED: circuit breaker", line);
    }

    [Fact]
    public void A_waiting_hook_names_itself_and_its_stage()
    {
        var line = Line(EcsEventTypes.HookStateChange, """{"deploymentId":"ecs-svc/1","eventName":"HOOK_AWAITING_ACTION","hookId":"h1","lifecycleStage":"PRE_SCALE_UP"}""");

        Assert.Equal($"7 2026-12-06T07:00:00Z {EcsEventTypes.HookStateChange} {Service} ecs-svc/1 HOOK_AWAITING_ACTION h1 at PRE_SCALE_UP", line);
    }
}
