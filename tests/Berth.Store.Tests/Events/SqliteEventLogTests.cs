using Berth.Store.Events;

namespace Berth.Store.Tests.Events;

public sealed class SqliteEventLogTests : EventLogContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"berth-events-{Guid.NewGuid():N}.db");

    protected override async Task<IEventLog> OpenEmptyLogAsync() => await SqliteEventLog.OpenAsync(_path, CancellationToken.None);

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
