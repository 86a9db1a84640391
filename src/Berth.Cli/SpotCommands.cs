using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Berth.Core.Ecs;

namespace Berth.Cli;

/// <summary>
/// <c>berth spot interrupt --task ARN</c>: the operator plays AWS reclaiming Spot capacity. The server's
/// <c>POST /_berth/spot/v1/interrupt</c> stops the FARGATE_SPOT task with stopCode SpotInterruption after the
/// two-minute notice semantics (SIGTERM, then the containers' stopTimeout, at most 120 s).
/// </summary>
internal static class SpotCommands
{
    public static Command Spot()
    {
        var client = new ClientFlags();
        var task = new Option<string>("--task") { Description = "ARN of the FARGATE_SPOT task to interrupt", Required = true };
        var interrupt = new Command("interrupt", "Interrupt a FARGATE_SPOT task as AWS does when it reclaims Spot capacity.");
        client.AddTo(interrupt);
        interrupt.Options.Add(task);
        interrupt.SetAction((result, cancellationToken) => client.RunAsync("spot interrupt", result, async http =>
        {
            var request = JsonContent.Create(new StopTaskRequest { Task = result.GetValue(task) }, EcsJsonContext.Default.StopTaskRequest);
            using var response = await http.PostAsync(new Uri("/_berth/spot/v1/interrupt", UriKind.Relative), request, cancellationToken).ConfigureAwait(false);
            await ServerClient.EnsureAcceptedAsync(response, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var stopped = JsonSerializer.Deserialize(body, EcsJsonContext.Default.StopTaskResponse)?.Task;
            Console.WriteLine($"{stopped?.TaskArn}: desired {stopped?.DesiredStatus}, stopCode {stopped?.StopCode}: {stopped?.StoppedReason}");
            return 0;
        }));
        var command = new Command("spot", "FARGATE_SPOT operator commands.");
        command.Subcommands.Add(interrupt);
        return command;
    }
}
