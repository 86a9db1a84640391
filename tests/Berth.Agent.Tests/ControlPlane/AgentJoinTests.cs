using Berth.Agent.State;
using Berth.Agent.Tests.Support;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.ControlPlane;

/// <summary>An agent with a join token joins once, keeps its own key (mode 0600) and signs with it, also after a restart.</summary>
public sealed class AgentJoinTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_agent_joins_with_its_token_once_and_a_restart_re_registers_with_the_key_it_kept()
    {
        await using var h = await AgentHarness.StartAsync(output, o => o with { JoinToken = new AgentJoinToken("berth-join.abc.secret") });
        var arn = await h.Agent!.Registered;

        var join = Assert.Single(h.Server.Joins);
        Assert.Equal("berth-join.abc.secret", join.JoinToken);
        Assert.Same(join.Registration, Assert.Single(h.Server.Registrations));
        Assert.Equal("AKIAJOINED0000000001", h.Server.Credentials?.AccessKeyId);
        var file = Path.Combine(h.DataDirectory, AgentKeyFile.FileName);
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.Equal(arn, AgentKeyFile.Read(h.DataDirectory)!.ContainerInstanceArn);

        await h.StopAgentAsync();
        h.Server.UseCredentials(null);
        await h.StartAgentAsync();

        Assert.Single(h.Server.Joins);
        Assert.Equal(arn, h.Server.Registrations[^1].ContainerInstanceArn);
        Assert.Equal("AKIAJOINED0000000001", h.Server.Credentials?.AccessKeyId);
    }

    [Fact]
    public void The_join_token_never_shows_in_the_options_text()
    {
        var options = new AgentOptions { JoinToken = new AgentJoinToken("berth-join.abc.secret") };
        Assert.DoesNotContain("secret", options.ToString(), StringComparison.Ordinal);
    }
}
