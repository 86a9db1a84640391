using Berth.Control.Agents;
using Berth.Control.Identity;
using Berth.Core.Identity.Credentials;
using Berth.Server;
using Berth.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Identity;

/// <summary>The server's sweep deletes expired session keys (once past their retention) and expired join tokens, and nothing else.</summary>
public sealed class ExpiredCredentialSweepTests : IAsyncLifetime
{
    private const string Account = "000000000000";
    private const string Root = $"arn:aws:iam::{Account}:root";
    private const string Cluster = $"arn:aws:ecs:us-east-1:{Account}:cluster/default";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-credential-sweep-{Guid.NewGuid():N}");
    private WebApplication? _app;

    private IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        _app = await BerthServer.BuildAsync(new ServerOptions
        {
            Port = 0,
            DataDirectory = _dataDirectory,
            CredentialSweepInterval = TimeSpan.FromMilliseconds(200),
        }, CancellationToken.None);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Expired_session_keys_and_join_tokens_disappear_from_the_store()
    {
        var keys = Services.GetRequiredService<AccessKeys>();
        var tokens = Services.GetRequiredService<AgentJoinTokens>();
        var store = Services.GetRequiredService<IStateStore>();
        var now = DateTimeOffset.UtcNow;
        var longExpired = await keys.CreateAsync(Account, Root, AccessKeyRecord.TemporaryPrefix, now - AccessKeys.ExpiredKeyRetention - TimeSpan.FromMinutes(1),
            CancellationToken.None);
        var justExpired = await keys.CreateAsync(Account, Root, AccessKeyRecord.TemporaryPrefix, now.AddSeconds(-1), CancellationToken.None);
        var live = await keys.CreateAsync(Account, Root, AccessKeyRecord.TemporaryPrefix, now.AddHours(1), CancellationToken.None);
        var longTerm = await keys.CreateAsync(Account, Root, AccessKeyRecord.LongTermPrefix, expiration: null, CancellationToken.None);
        var (expiredToken, _) = await tokens.CreateAsync(Account, Cluster, TimeSpan.FromSeconds(-1), Root, CancellationToken.None);
        var (liveToken, _) = await tokens.CreateAsync(Account, Cluster, TimeSpan.FromHours(1), Root, CancellationToken.None);

        var gone = await Eventually.ReadAsync(
            async () => (await store.GetAsync(IdentityRecords.AccessKeys, longExpired.AccessKeyId, CancellationToken.None),
                await tokens.FindAsync(expiredToken.TokenId, CancellationToken.None)),
            found => found is (null, null));

        Assert.Equal((null, null), gone);
        Assert.Null(await keys.FindAsync(longExpired.AccessKeyId, CancellationToken.None));
        // A key expired a moment ago is still answered ExpiredToken, so it stays for now.
        var stillKept = await keys.FindAsync(justExpired.AccessKeyId, CancellationToken.None);
        Assert.Equal(justExpired.SessionToken, stillKept?.Credential.SessionToken);
        Assert.NotNull(await keys.FindAsync(live.AccessKeyId, CancellationToken.None));
        Assert.NotNull(await keys.FindAsync(longTerm.AccessKeyId, CancellationToken.None));
        Assert.NotNull(await tokens.FindAsync(liveToken.TokenId, CancellationToken.None));
    }
}
