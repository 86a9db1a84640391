using Berth.Store.Events;
using Berth.Store.Postgres;
using Berth.Store.Tests.Events;

namespace Berth.Store.Tests.Postgres;

public sealed class PostgresEventLogTests : EventLogContract
{
    private readonly PostgresEngine _engine = new();

    protected override async Task<IEventLog> OpenEmptyLogAsync() => new PostgresEventLog(await _engine.OpenAsync());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task An_append_through_another_server_wakes_this_ones_readers()
    {
        await using var otherDatabase = await _engine.OpenAnotherDatabaseAsync();
        await using var other = new PostgresEventLog(otherDatabase);
        await using var mine = new PostgresEventLog(_engine.Database);
        // The listener connects in the background and wakes readers once when it has.
        await mine.Appended.WaitAsync(TimeSpan.FromSeconds(60));
        var appended = mine.Appended;

        await other.AppendAsync([new("ECS Task State Change", "a", [], DateTimeOffset.UtcNow, "{}"u8.ToArray())],
            CancellationToken.None);

        await appended.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
