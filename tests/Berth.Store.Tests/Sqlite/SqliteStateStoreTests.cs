using Berth.Store.Sqlite;

namespace Berth.Store.Tests.Sqlite;

/// <summary>The store contract on a fresh SQLite file in a temporary directory.</summary>
public sealed class SqliteStateStoreTests : StateStoreContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"berth-store-{Guid.NewGuid():N}");

    protected override async Task<IStateStore> OpenEmptyStoreAsync() =>
        await SqliteStateStore.OpenAsync(Path.Combine(_directory, "berth.db"), CancellationToken.None);

    protected override async Task<IStateStore> OpenAnotherInstanceAsync() =>
        await SqliteStateStore.OpenAsync(Path.Combine(_directory, "berth.db"), CancellationToken.None);

    [Fact]
    public async Task Reopening_the_file_keeps_committed_records()
    {
        await Store.CommitAsync([new PutRecord("thing", "a", "s", "a", "body", 0)], CancellationToken.None);

        await using var reopened = await SqliteStateStore.OpenAsync(Path.Combine(_directory, "berth.db"), CancellationToken.None);

        Assert.Equal(new StoredRecord("thing", "a", "s", "a", 1, "body"), await reopened.GetAsync("thing", "a", CancellationToken.None));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
