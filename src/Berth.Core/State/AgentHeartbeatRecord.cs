namespace Berth.Core.State;

/// <summary>
/// When a container instance's agent was last heard from (its long poll), kept in a record of its own beside the
/// instance's <see cref="ContainerInstanceRecord"/>. Placements guard their commits with the instance record's version,
/// so a heartbeat written there (every few seconds on every instance) made concurrent placements conflict; here it
/// moves nothing a placement reads. Written with the instance at registration, deleted with it at deregistration.
/// </summary>
public sealed record AgentHeartbeatRecord(DateTimeOffset LastSeen);
