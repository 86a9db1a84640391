using Berth.Agent.Networking;
using Berth.Agent.Tests.Support;
using Berth.Core.Networking;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Networking;

/// <summary>The iptables processes the enforcer starts per change, counted through a fake command runner.</summary>
public sealed class SecurityGroupEnforcerTests(ITestOutputHelper output)
{
    private readonly List<string> _commands = [];

    /// <summary>Whether the next iptables-restore fails, as it does when the tables were changed behind the agent.</summary>
    private bool _failRestore;

    [Fact]
    public async Task The_jump_is_checked_and_inserted_once_not_on_every_change()
    {
        var enforcer = NewEnforcer();

        await enforcer.SetAsync("task-1", new FirewallEndpoint("10.0.1.4", []), CancellationToken.None);
        await enforcer.SetAsync("task-2", new FirewallEndpoint("10.0.1.5", []), CancellationToken.None);
        await enforcer.RemoveAsync("task-1", CancellationToken.None);

        Assert.Equal(["iptables-restore", "iptables -C", "iptables -I", "iptables-restore", "iptables-restore"], _commands);
    }

    [Fact]
    public async Task A_failed_restore_has_the_jump_checked_again()
    {
        var enforcer = NewEnforcer();
        await enforcer.SetAsync("task-1", new FirewallEndpoint("10.0.1.4", []), CancellationToken.None);

        _failRestore = true;
        await Assert.ThrowsAsync<IptablesException>(() => enforcer.SetAsync("task-2", new FirewallEndpoint("10.0.1.5", []), CancellationToken.None));
        _failRestore = false;
        await enforcer.SetAsync("task-3", new FirewallEndpoint("10.0.1.6", []), CancellationToken.None);

        Assert.Equal(["iptables-restore", "iptables -C", "iptables -I", "iptables-restore", "iptables-restore", "iptables -C", "iptables -I"], _commands);
    }

    private SecurityGroupEnforcer NewEnforcer() =>
        new("fake", RunAsync, new TestLoggerFactory(output).CreateLogger<SecurityGroupEnforcer>());

    /// <summary>Records "iptables-restore" or "iptables -C"; -C answers 1 (no jump yet), as on a fresh host.</summary>
    private Task<int> RunAsync(string file, IReadOnlyList<string> arguments, string? input, bool allowFailure, CancellationToken cancellationToken)
    {
        var command = file == "iptables" ? $"{file} {arguments[2]}" : file;
        _commands.Add(command);
        if (file == "iptables-restore" && _failRestore)
        {
            throw new IptablesException("iptables-restore --noflush failed (1): line 2 failed");
        }
        return Task.FromResult(command == "iptables -C" ? 1 : 0);
    }
}
