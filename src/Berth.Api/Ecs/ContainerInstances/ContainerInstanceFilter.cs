using Berth.Core.Placement.Query;
using Berth.Core.State;

namespace Berth.Api.Ecs.ContainerInstances;

/// <summary>ListContainerInstances' <c>filter</c>: a cluster query expression evaluated against each stored instance.</summary>
internal sealed class ContainerInstanceFilter
{
    private readonly ClusterQuery _query;

    private ContainerInstanceFilter(ClusterQuery query) => _query = query;

    public static ContainerInstanceFilter Parse(string expression) => new(ClusterQuery.Parse(expression));

    /// <summary>Whether evaluating needs each instance's tasks (task:group, runningTasksCount), which cost a read per instance.</summary>
    public bool NeedsTasks => _query.DependsOnTasks;

    public bool Matches(ContainerInstanceRecord record, bool agentConnected, ClaimedTasks claimed) =>
        _query.Matches(new Subject(record, agentConnected, claimed));

    private sealed class Subject(ContainerInstanceRecord record, bool agentConnected, ClaimedTasks claimed) : IQuerySubject
    {
        public string? Ec2InstanceId => record.Instance.Ec2InstanceId;

        public bool AgentConnected => agentConnected;

        public string? AgentVersion => record.Instance.VersionInfo?.AgentVersion;

        public DateTimeOffset RegisteredAt => record.Instance.RegisteredAt ?? DateTimeOffset.MinValue;

        public int RunningTasksCount => claimed.RunningCount;

        public IReadOnlyList<string> TaskGroups => claimed.Claims.Select(c => c.Group).OfType<string>().ToList();

        public bool TryGetAttribute(string name, out string? value)
        {
            var attribute = record.Instance.Attributes?.FirstOrDefault(a => a.Name == name);
            value = attribute?.Value;
            return attribute is not null;
        }
    }
}
