namespace Berth.Store.Tests;

/// <summary>
/// A container instance record as Berth stored it before heartbeats moved into records of their own (the third
/// migration on both engines): the heartbeat a member of the instance's body. Each engine's migration test stores it
/// in the old shape and checks what the migration made of it.
/// </summary>
internal static class HeartbeatInsideInstance
{
    public const string Arn = "arn:aws:ecs:us-east-1:000000000000:container-instance/web/0123";
    public const string Cluster = "arn:aws:ecs:us-east-1:000000000000:cluster/web";
    public const string InstanceId = "i-0123";
    public const long AssignmentsVersion = 3;

    /// <summary>The heartbeat inside the body: 1800000000.25 seconds after the epoch.</summary>
    public static readonly DateTimeOffset LastHeartbeat = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_250);

    public static readonly PutRecord Record = new(EcsRecords.ContainerInstanceKind, Arn, Cluster, InstanceId, Bodies.Of(
        $$"""{"Instance":{"containerInstanceArn":"{{Arn}}","status":"ACTIVE"},"Identity":{"instanceId":"{{InstanceId}}","availabilityZone":"us-east-1a","hostAddress":"127.0.0.1"},"AssignmentsVersion":{{AssignmentsVersion}},"LastHeartbeat":1800000000.25}"""),
        0);

    /// <summary>The migrated store holds the heartbeat as a record of its own, found by the instance's cluster, and the instance keeps its assignments version.</summary>
    public static async Task AssertMigratedAsync(IStateStore store)
    {
        var heartbeat = await store.GetAsync(EcsRecords.AgentHeartbeats, Arn, CancellationToken.None);
        Assert.Equal(LastHeartbeat, heartbeat!.Value.LastSeen);
        Assert.Equal([InstanceId], (await store.QueryAsync(new RecordQuery(EcsRecords.AgentHeartbeatKind, Cluster), CancellationToken.None)).Select(r => r.SortKey));
        Assert.Equal(AssignmentsVersion, (await store.GetAsync(EcsRecords.ContainerInstances, Arn, CancellationToken.None))!.Value.AssignmentsVersion);
    }
}
