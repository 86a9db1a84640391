using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.State;
using Berth.Store;
using Berth.Store.Sqlite;

namespace Berth.Api.Tests;

/// <summary>
/// A SQLite store in a temporary file holding one registered container instance and its agent's heartbeat, as
/// registration leaves them: the set-up of the tests that drive placement or the agent poll against a real store.
/// Disposing it deletes the file and everything beside it that starts with its name (a key file, the journal).
/// </summary>
internal sealed class OneInstanceStore : IAsyncDisposable
{
    private OneInstanceStore(string databasePath, SqliteStateStore store, ContainerInstanceRecord instance)
    {
        DatabasePath = databasePath;
        Store = store;
        Instance = instance;
    }

    public string DatabasePath { get; }

    public SqliteStateStore Store { get; }

    /// <summary>The instance as stored, at record version 1.</summary>
    public ContainerInstanceRecord Instance { get; }

    public string InstanceArn => Instance.Instance.ContainerInstanceArn!;

    /// <summary>Opens the store with the instance (1,024 CPU units, 2,048 MiB) and its heartbeat at <paramref name="lastSeen"/>.</summary>
    public static async Task<OneInstanceStore> OpenAsync(string instanceArn, DateTimeOffset lastSeen)
    {
        var path = Path.Combine(Path.GetTempPath(), $"berth-one-instance-{Guid.NewGuid():N}.db");
        var store = await SqliteStateStore.OpenAsync(path, CancellationToken.None);
        var instanceId = $"i-{instanceArn[(instanceArn.LastIndexOf('/') + 1)..]}";
        var instance = new ContainerInstanceRecord(
            new ContainerInstance
            {
                ContainerInstanceArn = instanceArn,
                Ec2InstanceId = instanceId,
                Status = "ACTIVE",
                RegisteredResources =
                [
                    new Resource { Name = "CPU", Type = "INTEGER", IntegerValue = 1024 },
                    new Resource { Name = "MEMORY", Type = "INTEGER", IntegerValue = 2048 },
                ],
                RegisteredAt = lastSeen,
            },
            new AgentIdentity { InstanceId = instanceId, AvailabilityZone = "us-east-1a", HostAddress = "127.0.0.1" },
            AssignmentsVersion: 1);
        await store.CommitAsync(
            [EcsRecords.PutInstance(instance, 0), EcsRecords.PutHeartbeat(instance, new AgentHeartbeatRecord(lastSeen), 0)], CancellationToken.None);
        return new OneInstanceStore(path, store, instance);
    }

    /// <summary>
    /// The agent is heard from at <paramref name="at"/>, as its poll records it (through <paramref name="server"/>, a
    /// server's store over this one, when given).
    /// </summary>
    public async Task HeartbeatAsync(DateTimeOffset at, IStateStore? server = null)
    {
        var current = await Store.GetAsync(EcsRecords.AgentHeartbeats, InstanceArn, CancellationToken.None);
        await (server ?? Store).CommitAsync([EcsRecords.PutHeartbeat(Instance, new AgentHeartbeatRecord(at), current!.Version)], CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!, Path.GetFileName(DatabasePath) + "*"))
        {
            File.Delete(file);
        }
    }
}
