using System.Runtime.InteropServices;
using Berth.Core.Ecs;

namespace Berth.Core.Placement;

/// <summary>
/// The working copy one placement runs on: per-instance arrays built once from the snapshot and updated as
/// copies are placed, so that later copies see earlier ones.
/// </summary>
/// <remarks>
/// Within one request only the instance that receives a copy changes, and it only loses resources and gains a
/// task of the request's group. So an instance's feasibility is re-checked only when it is chosen, and the
/// feasible set only shrinks; choosing a copy is one pass over the feasible instances (or O(1) for random).
/// Instances are kept in ContainerInstanceArn order so that ties after all strategies go to the lowest ARN,
/// which makes a plan reproducible from the snapshot, the request and the Random's seed.
/// </remarks>
internal sealed class PlacementWorkspace
{
    private const string Active = "ACTIVE";

    private readonly InstanceCandidate[] _instances;
    private readonly PlacementRequest _request;
    private readonly ConstraintSet _constraints;
    private readonly RankingStep[] _steps;
    private readonly bool _endsWithRandom;
    private readonly int _needCpu;
    private readonly int _needMemory;

    private readonly int[] _cpu;
    private readonly int[] _memory;
    private readonly int[] _groupTasks;
    private readonly int[] _placed;
    private readonly FilterStage[] _stage;
    private readonly sbyte[] _staticMemberOf;

    // Per spread-attribute step: the value index of each instance, and the group's task count per value.
    private readonly int[][] _valueOf;
    private readonly int[][] _valueTasks;

    private readonly int[] _feasible;
    private int _feasibleCount;
    private readonly int[] _bestKeys;
    private int[] _ties = [];

    private readonly CandidateQuerySubject _subject;
    private readonly TaskPlacement[] _placements;

    private PlacementWorkspace(InstanceCandidate[] instances, PlacementRequest request, RankingStep[] steps, ConstraintSet constraints)
    {
        _instances = instances;
        _request = request;
        _constraints = constraints;
        // A random step picks one candidate, so nothing after it can rank.
        var random = Array.FindIndex(steps, s => s.Kind == RankingKind.Random);
        _endsWithRandom = random >= 0;
        _steps = random >= 0 ? steps[..random] : steps;
        _needCpu = request.Needs.Cpu;
        _needMemory = request.Needs.Memory;
        _subject = new CandidateQuerySubject(request.Group);

        var count = instances.Length;
        _cpu = new int[count];
        _memory = new int[count];
        _groupTasks = new int[count];
        _placed = new int[count];
        _stage = new FilterStage[count];
        _staticMemberOf = new sbyte[count];
        _feasible = new int[count];
        _bestKeys = new int[_steps.Length];
        _placements = new TaskPlacement[count];
        for (var i = 0; i < count; i++)
        {
            var instance = instances[i];
            _cpu[i] = instance.Remaining.Cpu;
            _memory[i] = instance.Remaining.Memory;
            _groupTasks[i] = CountGroupTasks(instance, request.Group);
        }

        _valueOf = new int[_steps.Length][];
        _valueTasks = new int[_steps.Length][];
        for (var s = 0; s < _steps.Length; s++)
        {
            if (_steps[s].Kind == RankingKind.SpreadAttribute)
            {
                (_valueOf[s], _valueTasks[s]) = IndexValues(_steps[s].Attribute!);
            }
        }

        for (var i = 0; i < count; i++)
        {
            _stage[i] = Evaluate(i);
            if (_stage[i] == FilterStage.Feasible)
            {
                _feasible[_feasibleCount++] = i;
            }
        }
    }

    public int InstanceCount => _instances.Length;

    /// <summary>The ACTIVE instances of the snapshot in ContainerInstanceArn order, ready to place on.</summary>
    public static PlacementWorkspace Create(ClusterSnapshot snapshot, PlacementRequest request, RankingStep[] steps, ConstraintSet constraints)
    {
        // "When you set a container instance to DRAINING, Amazon ECS prevents new tasks from being scheduled for
        // placement on the container instance"; INACTIVE ones are deregistered. Neither is a candidate, nor a
        // "closest" instance.
        var active = new List<InstanceCandidate>(snapshot.Instances.Count);
        foreach (var instance in snapshot.Instances)
        {
            if (string.Equals(instance.Status, Active, StringComparison.Ordinal))
            {
                active.Add(instance);
            }
        }
        var instances = active.ToArray();
        if (!IsInArnOrder(instances))
        {
            Array.Sort(instances, static (a, b) => string.CompareOrdinal(a.ContainerInstanceArn, b.ContainerInstanceArn));
        }
        return new PlacementWorkspace(instances, request, steps, constraints);
    }

    /// <summary>The instance the strategies pick for the next copy, or -1 when no instance is feasible.</summary>
    public int Choose(Random random)
    {
        if (_feasibleCount == 0)
        {
            return -1;
        }
        if (_steps.Length == 0)
        {
            return _endsWithRandom ? _feasible[random.Next(_feasibleCount)] : _feasible[0];
        }
        var best = _feasible[0];
        LoadKeys(best);
        var ties = 0;
        if (_endsWithRandom)
        {
            EnsureTies();
            _ties[ties++] = best;
        }
        for (var j = 1; j < _feasibleCount; j++)
        {
            var candidate = _feasible[j];
            var comparison = CompareToBest(candidate);
            if (comparison < 0)
            {
                best = candidate;
                LoadKeys(best);
                ties = 0;
            }
            if (comparison <= 0 && _endsWithRandom)
            {
                _ties[ties++] = candidate;
            }
        }
        return _endsWithRandom ? _ties[random.Next(ties)] : best;
    }

    /// <summary>Puts one copy on instance <paramref name="index"/> and updates everything later copies look at.</summary>
    public TaskPlacement Place(int index)
    {
        _cpu[index] -= _needCpu;
        _memory[index] -= _needMemory;
        _placed[index]++;
        _groupTasks[index]++;
        for (var s = 0; s < _steps.Length; s++)
        {
            if (_steps[s].Kind == RankingKind.SpreadAttribute)
            {
                _valueTasks[s][_valueOf[s][index]]++;
            }
        }
        _stage[index] = Evaluate(index);
        if (_stage[index] != FilterStage.Feasible)
        {
            RemoveFeasible(index);
        }
        return _placements[index] ??= new TaskPlacement(_instances[index].ContainerInstanceArn);
    }

    /// <summary>
    /// The failure ECS reports when nothing is feasible: the reason of the filter that stopped the instance that
    /// got furthest through the filters (the lowest ARN among equals), and that instance's ARN.
    /// </summary>
    public Failure ClosestFailure()
    {
        var closest = 0;
        for (var i = 1; i < _instances.Length; i++)
        {
            if (_stage[i] > _stage[closest])
            {
                closest = i;
            }
        }
        var instance = _instances[closest];
        var id = instance.ContainerInstanceArn[(instance.ContainerInstanceArn.LastIndexOf('/') + 1)..];
        var (reason, problem) = _stage[closest] switch
        {
            FilterStage.Agent => (PlacementFailureReasons.Agent, "has a disconnected agent"),
            FilterStage.Attribute => (PlacementFailureReasons.Attribute, $"is missing the attribute {MissingAttribute(instance)}"),
            FilterStage.Cpu => (PlacementFailureReasons.Cpu, "has insufficient CPU units available"),
            FilterStage.Memory => (PlacementFailureReasons.Memory, "has insufficient memory available"),
            FilterStage.TcpPorts => (PlacementFailureReasons.Ports, "is already using a port required by your task"),
            FilterStage.UdpPorts => (PlacementFailureReasons.PortsUdp, "is already using a UDP port required by your task"),
            FilterStage.MemberOf => (PlacementFailureReasons.MemberOf, $"encountered error \"{PlacementFailureReasons.MemberOf}\""),
            _ => (PlacementFailureReasons.DistinctInstance, $"encountered error \"{PlacementFailureReasons.DistinctInstance}\""),
        };
        return new Failure
        {
            Arn = instance.ContainerInstanceArn,
            Reason = reason,
            Detail = $"No container instance met all of the task's requirements. The closest matching container-instance {id} {problem}.",
        };
    }

    /// <summary>The first filter instance <paramref name="i"/> fails now, or <see cref="FilterStage.Feasible"/>.</summary>
    private FilterStage Evaluate(int i)
    {
        var instance = _instances[i];
        if (!instance.AgentConnected)
        {
            return FilterStage.Agent;
        }
        if (MissingAttribute(instance) is not null)
        {
            return FilterStage.Attribute;
        }
        if (_cpu[i] < _needCpu)
        {
            return FilterStage.Cpu;
        }
        if (_memory[i] < _needMemory)
        {
            return FilterStage.Memory;
        }
        // A copy placed in this plan holds the same fixed host ports, so a second copy cannot share the instance.
        if (_request.Needs.TcpPorts.Count > 0 && (_placed[i] > 0 || Overlaps(instance.Remaining.TcpPorts, _request.Needs.TcpPorts)))
        {
            return FilterStage.TcpPorts;
        }
        if (_request.Needs.UdpPorts.Count > 0 && (_placed[i] > 0 || Overlaps(instance.Remaining.UdpPorts, _request.Needs.UdpPorts)))
        {
            return FilterStage.UdpPorts;
        }
        if (!SatisfiesMemberOf(i))
        {
            return FilterStage.MemberOf;
        }
        // "Place each task in the group on a different container instance", copies of this plan included.
        if (_constraints.DistinctInstance && _groupTasks[i] > 0)
        {
            return FilterStage.DistinctInstance;
        }
        return FilterStage.Feasible;
    }

    private bool SatisfiesMemberOf(int i)
    {
        var queries = _constraints.MemberOf;
        if (queries.Length == 0)
        {
            return true;
        }
        _subject.Point(_instances[i], _placed[i]);
        // Expressions that look at neither task:group nor runningTasksCount give one answer per instance for
        // the whole request, so they are evaluated once.
        if (_staticMemberOf[i] == 0)
        {
            var matches = true;
            foreach (var query in queries)
            {
                if (!query.DependsOnTasks && !query.Matches(_subject))
                {
                    matches = false;
                    break;
                }
            }
            _staticMemberOf[i] = matches ? (sbyte)1 : (sbyte)-1;
        }
        if (_staticMemberOf[i] < 0)
        {
            return false;
        }
        foreach (var query in queries)
        {
            if (query.DependsOnTasks && !query.Matches(_subject))
            {
                return false;
            }
        }
        return true;
    }

    private string? MissingAttribute(InstanceCandidate instance)
    {
        foreach (var name in _request.RequiredAttributes)
        {
            if (!instance.Attributes.ContainsKey(name))
            {
                return name;
            }
        }
        return null;
    }

    private int Key(int step, int i) => _steps[step].Kind switch
    {
        // Least left after placing first; the task's own need is the same for every instance.
        RankingKind.BinpackCpu => _cpu[i],
        RankingKind.BinpackMemory => _memory[i],
        RankingKind.SpreadInstance => _groupTasks[i],
        _ => _valueTasks[step][_valueOf[step][i]],
    };

    private void LoadKeys(int i)
    {
        for (var s = 0; s < _steps.Length; s++)
        {
            _bestKeys[s] = Key(s, i);
        }
    }

    private int CompareToBest(int i)
    {
        for (var s = 0; s < _steps.Length; s++)
        {
            var key = Key(s, i);
            if (key != _bestKeys[s])
            {
                return key < _bestKeys[s] ? -1 : 1;
            }
        }
        return 0;
    }

    private void EnsureTies()
    {
        if (_ties.Length < _feasibleCount)
        {
            _ties = new int[_instances.Length];
        }
    }

    private void RemoveFeasible(int index)
    {
        // _feasible stays sorted by instance index (ARN order), so ties keep resolving to the lowest ARN.
        var at = Array.BinarySearch(_feasible, 0, _feasibleCount, index);
        Array.Copy(_feasible, at + 1, _feasible, at, _feasibleCount - at - 1);
        _feasibleCount--;
    }

    /// <summary>
    /// Spread counts the group's tasks on every ACTIVE instance with the same value; an instance without the
    /// attribute counts under a value of its own. Tasks on DRAINING instances are not counted: they are being
    /// replaced, and counting them would steer their replacements away from where they are needed.
    /// </summary>
    private (int[] ValueOf, int[] ValueTasks) IndexValues(string attribute)
    {
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        var valueOf = new int[_instances.Length];
        for (var i = 0; i < _instances.Length; i++)
        {
            if (_instances[i].Attributes.TryGetValue(attribute, out var value))
            {
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(indexes, value ?? "", out var exists);
                if (!exists)
                {
                    slot = indexes.Count;
                }
                valueOf[i] = slot;
            }
        }
        var valueTasks = new int[indexes.Count + 1];
        for (var i = 0; i < _instances.Length; i++)
        {
            valueTasks[valueOf[i]] += _groupTasks[i];
        }
        return (valueOf, valueTasks);
    }

    private static int CountGroupTasks(InstanceCandidate instance, string group)
    {
        var count = 0;
        foreach (var task in instance.Tasks)
        {
            if (string.Equals(task.Group, group, StringComparison.Ordinal))
            {
                count++;
            }
        }
        return count;
    }

    private static bool Overlaps(IReadOnlySet<int> used, IReadOnlySet<int> needed)
    {
        foreach (var port in needed)
        {
            if (used.Contains(port))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsInArnOrder(InstanceCandidate[] instances)
    {
        for (var i = 1; i < instances.Length; i++)
        {
            if (string.CompareOrdinal(instances[i - 1].ContainerInstanceArn, instances[i].ContainerInstanceArn) > 0)
            {
                return false;
            }
        }
        return true;
    }
}
