using System.CommandLine;
using Berth.Cli;

var root = new RootCommand("Berth: a self-hosted container orchestrator that speaks the Amazon ECS API.");
root.Subcommands.Add(ServerCommands.Up());
root.Subcommands.Add(ServerCommands.Server());
root.Subcommands.Add(ServerCommands.Agent());
root.Subcommands.Add(SpotCommands.Spot());
root.Subcommands.Add(CostCommands.Cost());
root.Subcommands.Add(CleanupCommands.Cleanup());
root.Subcommands.Add(EventCommands.Events());
root.Subcommands.Add(ExecCommands.Exec());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
