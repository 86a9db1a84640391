using Berth.Core.Placement.Query;

namespace Berth.Core.Placement;

/// <summary>The constraints of one request: whether distinctInstance applies, and the memberOf expressions.</summary>
internal sealed record ConstraintSet(bool DistinctInstance, ClusterQuery[] MemberOf);
