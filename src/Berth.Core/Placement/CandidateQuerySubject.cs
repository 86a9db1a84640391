using Berth.Core.Placement.Query;

namespace Berth.Core.Placement;

/// <summary>
/// An instance as a memberOf expression sees it during one placement: its own tasks plus the copies this plan
/// has put on it so far. One object is re-pointed at each instance in turn, so evaluating allocates nothing
/// unless the expression asks for task:group.
/// </summary>
internal sealed class CandidateQuerySubject(string group) : IQuerySubject
{
    private readonly List<string> _groups = [];
    private InstanceCandidate _instance = null!;
    private int _placed;
    private bool _groupsReady;

    public void Point(InstanceCandidate instance, int placed)
    {
        _instance = instance;
        _placed = placed;
        _groupsReady = false;
    }

    public string? Ec2InstanceId => _instance.Ec2InstanceId;

    public bool AgentConnected => _instance.AgentConnected;

    public string? AgentVersion => _instance.AgentVersion;

    public DateTimeOffset RegisteredAt => _instance.RegisteredAt;

    public int RunningTasksCount => _instance.Tasks.Count + _placed;

    public bool TryGetAttribute(string name, out string? value) => _instance.Attributes.TryGetValue(name, out value);

    public IReadOnlyList<string> TaskGroups
    {
        get
        {
            if (!_groupsReady)
            {
                _groups.Clear();
                foreach (var task in _instance.Tasks)
                {
                    if (task.Group is { } taskGroup)
                    {
                        _groups.Add(taskGroup);
                    }
                }
                if (_placed > 0)
                {
                    _groups.Add(group);
                }
                _groupsReady = true;
            }
            return _groups;
        }
    }
}
