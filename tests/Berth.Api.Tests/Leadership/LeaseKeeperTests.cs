using Berth.Core.Leadership;
using Berth.Server.Leadership;
using Berth.Store;
using Berth.Store.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerLeadership = Berth.Server.Leadership.Leadership;

namespace Berth.Api.Tests.Leadership;

/// <summary>
/// Two servers' lease keepers on one SQLite file, on a clock the test moves (the keepers look when the test says): one
/// holds the lease, the other takes over only once it expired, and a commit fenced with the old token changes nothing.
/// </summary>
public sealed class LeaseKeeperTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 16, 0, 0, TimeSpan.Zero);

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"berth-lease-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(Start);
    private readonly ServerLeadership _a = new();
    private readonly ServerLeadership _b = new();
    private SqliteStateStore? _store;

    private IStateStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    public async Task InitializeAsync() => _store = await SqliteStateStore.OpenAsync(_databasePath, CancellationToken.None);

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await Store.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_databasePath)!, Path.GetFileName(_databasePath) + "*"))
        {
            File.Delete(file);
        }
    }

    private LeaseKeeper Keeper(ServerLeadership leadership) => new(Store, leadership, _time, NullLogger<LeaseKeeper>.Instance);

    private Task LookAsync(ServerLeadership leadership) => Keeper(leadership).LookAsync(CancellationToken.None);

    [Fact]
    public async Task The_first_server_takes_the_lease_and_the_other_waits_while_it_renews()
    {
        await LookAsync(_a);
        await LookAsync(_b);
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(LeaseRules.RenewInterval);
            await LookAsync(_a);
            await LookAsync(_b);
        }

        Assert.Equal(1, _a.Current?.Token);
        Assert.Null(_b.Current);
        Assert.Equal(_a.ServerId, (await Store.GetAsync(LeaseRecords.Leases, LeaseRecords.Id, CancellationToken.None))!.Value.Holder);
    }

    [Fact]
    public async Task Without_renewals_the_holder_stops_at_expiry_and_the_other_takes_over_with_a_new_token()
    {
        await LookAsync(_a);
        _time.Advance(LeaseRules.Duration - TimeSpan.FromMilliseconds(1));
        await LookAsync(_b);
        Assert.Null(_b.Current);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(_a.Current);
        await LookAsync(_b);

        Assert.Equal(2, _b.Current?.Token);
        await LookAsync(_a);
        Assert.Null(_a.Current);
    }

    [Fact]
    public async Task A_commit_fenced_with_the_old_token_fails_and_changes_nothing()
    {
        var fenced = new FencedStateStore(Store);
        await LookAsync(_a);
        var oldToken = _a.Current!.Token;
        _time.Advance(LeaseRules.Duration);
        await LookAsync(_b);

        using (Fencing.Enter(oldToken))
        {
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => fenced.CommitAsync([Put("stale")], CancellationToken.None));
        }
        using (Fencing.Enter(_b.Current!.Token))
        {
            await fenced.CommitAsync([Put("current")], CancellationToken.None);
        }
        await fenced.CommitAsync([Put("unfenced")], CancellationToken.None);

        Assert.Null(await Store.GetAsync("thing", "stale", CancellationToken.None));
        Assert.NotNull(await Store.GetAsync("thing", "current", CancellationToken.None));
        Assert.NotNull(await Store.GetAsync("thing", "unfenced", CancellationToken.None));
    }

    [Fact]
    public async Task Renewals_keep_the_token_so_the_leaders_commits_keep_passing_the_fence()
    {
        var fenced = new FencedStateStore(Store);
        await LookAsync(_a);
        var token = _a.Current!.Token;
        _time.Advance(LeaseRules.RenewInterval);
        await LookAsync(_a);

        using (Fencing.Enter(token))
        {
            await fenced.CommitAsync([Put("after-renewal")], CancellationToken.None);
        }

        Assert.Equal(token, _a.Current?.Token);
        Assert.NotNull(await Store.GetAsync("thing", "after-renewal", CancellationToken.None));
    }

    [Fact]
    public async Task A_released_lease_is_taken_over_at_once()
    {
        var keeper = Keeper(_a);
        await keeper.LookAsync(CancellationToken.None);

        await keeper.StopAsync(CancellationToken.None);
        await LookAsync(_b);

        Assert.Null(_a.Current);
        Assert.Equal(2, _b.Current?.Token);
    }

    private static PutRecord Put(string id) => new("thing", id, "scope", id, "{}"u8.ToArray(), 0);
}
