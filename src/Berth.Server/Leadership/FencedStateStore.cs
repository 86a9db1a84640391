using Berth.Store;

namespace Berth.Server.Leadership;

/// <summary>
/// The state store the server's services use, adding the controller lease's fence (<see cref="LeaseRecords.Fence"/>) to
/// every commit made while a <see cref="Fencing"/> scope is active. <see cref="LeaderControllers"/> opens that scope
/// around the controllers it starts for a term, and an async-local scope flows into everything they await or start, so
/// every commit of a singleton controller (whichever service it calls into: the reconciler, the task stopper, the
/// sweepers' stores) carries the token, without each of the many commit sites passing it by hand, and none can be
/// forgotten. API handlers run outside any scope, so every server answers them unfenced. The store, not a check before
/// the commit, refuses a fenced commit once another server took the lease over: a leader paused between its check and
/// its commit still cannot write.
/// </summary>
internal sealed class FencedStateStore(IStateStore inner) : CommitDecorator(inner)
{
    public override Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) =>
        Inner.CommitAsync(Fencing.Token is { } token ? [.. writes, LeaseRecords.Fence(token)] : writes, cancellationToken);

}
