namespace Berth.Core.Placement.Query;

/// <summary>The subjects of the cluster query language.</summary>
internal enum QueryField
{
    Attribute,
    Ec2InstanceId,
    AgentConnected,
    AgentVersion,
    RegisteredAt,
    RunningTasksCount,
    TaskGroup,
}
