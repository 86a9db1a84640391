using System.CommandLine;
using Berth.Server;
using Microsoft.Extensions.Hosting;

namespace Berth.Cli;

/// <summary><c>berth up</c> (everything on this machine) and <c>berth server</c> (the control plane alone).</summary>
internal static class ServerCommands
{
    public static Command Up() => Create("up", "Start Berth on this machine: the control plane with its embedded store.");

    public static Command Server() => Create("server", "Start the control plane alone (API and schedulers).");

    private static Command Create(string name, string description)
    {
        var flags = new ServerFlags();
        var command = new Command(name, description);
        flags.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            ServerOptions options;
            try
            {
                options = flags.Read(result);
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"berth {name}: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            return await RunAsync(options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        await using var app = await BerthServer.BuildAsync(options, cancellationToken).ConfigureAwait(false);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"Berth is up.");
        Console.WriteLine($"  endpoint: {BerthServer.EndpointOf(app)}  (aws --endpoint-url {BerthServer.EndpointOf(app).ToString().TrimEnd('/')} ecs ...)");
        Console.WriteLine($"  state:    {options.DatabasePath}");
        Console.WriteLine("Press Ctrl-C to stop.");
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
