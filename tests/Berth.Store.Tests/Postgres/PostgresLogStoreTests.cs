using Berth.Store.Logs;
using Berth.Store.Postgres;
using Berth.Store.Tests.Logs;

namespace Berth.Store.Tests.Postgres;

public sealed class PostgresLogStoreTests : LogStoreContract
{
    private readonly PostgresEngine _engine = new();

    protected override async Task<ILogStore> OpenEmptyStoreAsync() => new PostgresLogStore(await _engine.OpenAsync());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _engine.DisposeAsync();
    }
}
