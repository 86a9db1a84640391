namespace Berth.Core.Placement;

/// <summary>
/// The feasibility filters in the order they run; an instance's stage is the first filter it fails. Later
/// means closer: when nothing fits, the instance that got furthest is the one ECS names in the failure.
/// </summary>
internal enum FilterStage : byte
{
    Agent,
    Attribute,
    Cpu,
    Memory,
    TcpPorts,
    UdpPorts,
    MemberOf,
    DistinctInstance,
    Feasible,
}
