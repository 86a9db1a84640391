using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Tasks;

/// <summary>A task's role credentials in its manager: one id for the task's life, rotation, and nothing secret on disk.</summary>
public sealed class TaskCredentialsTests(ITestOutputHelper output)
{
    private static TaskRoleCredentials Role(string key) => new()
    {
        RoleArn = "arn:aws:iam::000000000000:role/app",
        AccessKeyId = key,
        SecretAccessKey = key + "-secret",
        Token = key + "-token",
        Expiration = DateTimeOffset.UtcNow.AddHours(1),
    };

    [Fact]
    public async Task Newer_credentials_from_the_server_replace_the_served_ones_and_none_are_saved()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("app", "bridge", TestTasks.Web()) with { RoleCredentials = Role("ASIAFIRST") };
        var (manager, _) = host.Start(task);
        await host.WaitForStatusAsync(task, "RUNNING");

        var (id, holder) = Assert.Single(host.Runtime.CredentialsIds);
        Assert.Same(manager, holder);
        Assert.Equal("ASIAFIRST", holder.CredentialsGrant.Credentials?.AccessKeyId);

        manager.Update(task with { RoleCredentials = Role("ASIASECOND") });
        Assert.Equal("ASIASECOND", holder.CredentialsGrant.Credentials?.AccessKeyId);

        await host.State.FlushAsync(CancellationToken.None);
        var saved = await File.ReadAllTextAsync(host.State.FilePath);
        Assert.Contains(id, saved, StringComparison.Ordinal);
        Assert.DoesNotContain("-secret", saved, StringComparison.Ordinal);
        Assert.DoesNotContain("-token", saved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_restart_the_task_keeps_its_id_and_is_served_again_once_the_server_resends_its_credentials()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("app", "bridge", TestTasks.Web()) with { RoleCredentials = Role("ASIAFIRST") };
        host.Start(task);
        await host.WaitForStatusAsync(task, "RUNNING");
        var id = Assert.Single(host.Runtime.CredentialsIds).Key;
        await host.StopManagersAsync();

        var (manager, _) = host.Start(task, adopt: true);
        await Waits.UntilAsync(() => host.Runtime.CredentialsIds.TryGetValue(id, out var m) && m == manager, TimeSpan.FromSeconds(30));
        Assert.Null(manager.CredentialsGrant.Credentials);

        manager.Update(task with { RoleCredentials = Role("ASIARESENT") });
        Assert.Equal("ASIARESENT", manager.CredentialsGrant.Credentials?.AccessKeyId);
    }

    [Fact]
    public async Task A_task_without_a_role_or_without_a_network_gets_no_credentials_id()
    {
        await using var host = new FakeTaskHost(output);
        var plain = TestTasks.Assignment("plain", "bridge", TestTasks.Web());
        var isolated = TestTasks.Assignment("isolated", "none", TestTasks.Web()) with { RoleCredentials = Role("ASIANONE") };
        host.Start(plain);
        host.Start(isolated);

        await host.WaitForStatusAsync(plain, "RUNNING");
        await host.WaitForStatusAsync(isolated, "RUNNING");

        Assert.Empty(host.Runtime.CredentialsIds);
    }

    [Fact]
    public async Task A_host_mode_task_is_known_by_a_token_of_its_own_which_survives_a_restart_and_is_never_its_credentials()
    {
        await using var host = new FakeTaskHost(output);
        var task = TestTasks.Assignment("hosted", "host", TestTasks.Web("web", 8080)) with { RoleCredentials = Role("ASIAHOST") };
        host.Start(task);
        await host.WaitForStatusAsync(task, "RUNNING");
        var (id, holder) = Assert.Single(host.Runtime.CredentialsIds);
        var token = holder.CredentialsGrant.AuthorizationToken;
        Assert.Matches("^[0-9a-f]{32}$", token);
        Assert.NotEqual(id, token);
        await host.StopManagersAsync();

        var (manager, _) = host.Start(task, adopt: true);
        await Waits.UntilAsync(() => host.Runtime.CredentialsIds.TryGetValue(id, out var m) && m == manager, TimeSpan.FromSeconds(30));
        Assert.Equal(token, manager.CredentialsGrant.AuthorizationToken);
    }
}
