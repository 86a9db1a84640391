using Berth.Store.Metrics;

namespace Berth.Store.Tests.Metrics;

public sealed class SqliteMetricStoreTests : MetricStoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"berth-metrics-{Guid.NewGuid():N}.db");

    protected override async Task<IMetricStore> OpenEmptyStoreAsync() => await SqliteMetricStore.OpenAsync(_path, CancellationToken.None);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*"))
        {
            File.Delete(file);
        }
    }
}
