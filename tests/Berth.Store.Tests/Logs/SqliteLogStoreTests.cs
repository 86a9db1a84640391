using Berth.Store.Logs;

namespace Berth.Store.Tests.Logs;

public sealed class SqliteLogStoreTests : LogStoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"berth-logs-{Guid.NewGuid():N}.db");

    protected override async Task<ILogStore> OpenEmptyStoreAsync() => await SqliteLogStore.OpenAsync(_path, CancellationToken.None);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*"))
        {
            File.Delete(file);
        }
    }
}
