using Berth.Core.Leadership;
using Berth.Core.State;

namespace Berth.Store;

/// <summary>
/// The controller lease (<see cref="LeaseRules"/>) and its fence, one record each, outside every account: the lease
/// changes at each renewal, the fence only when the lease changes hands, so the fence's version is the fencing token.
/// </summary>
public static class LeaseRecords
{
    public const string Id = "controllers";

    public const string Scope = "berth";

    public static readonly RecordType<ControllerLease> Leases = new("controller-lease", StateJsonContext.Default);

    /// <summary>Its body says nothing; its version is the token.</summary>
    public const string FenceKind = "controller-fence";

    /// <summary>The fence's body, shared by every write of it (a body is never changed once made).</summary>
    private static readonly byte[] FenceBody = "{}"u8.ToArray();

    public static PutRecord PutLease(ControllerLease lease, long expectedVersion) => Leases.Put(Id, Scope, Id, lease, expectedVersion);

    /// <summary>Moves the fence to <paramref name="currentToken"/> + 1 (from 0: creates it at 1).</summary>
    public static PutRecord MoveFence(long currentToken) => new(FenceKind, Id, Scope, Id, FenceBody, currentToken);

    /// <summary>Fails a commit unless the fence is still at <paramref name="token"/>.</summary>
    public static RequireVersion Fence(long token) => new(FenceKind, Id, token);
}
