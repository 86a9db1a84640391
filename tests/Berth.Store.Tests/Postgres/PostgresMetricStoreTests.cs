using Berth.Store.Metrics;
using Berth.Store.Postgres;
using Berth.Store.Tests.Metrics;

namespace Berth.Store.Tests.Postgres;

public sealed class PostgresMetricStoreTests : MetricStoreContract
{
    private readonly PostgresEngine _engine = new();

    protected override async Task<IMetricStore> OpenEmptyStoreAsync() => new PostgresMetricStore(await _engine.OpenAsync());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _engine.DisposeAsync();
    }
}
