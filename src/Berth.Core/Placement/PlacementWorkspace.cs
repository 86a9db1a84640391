using System.Runtime.InteropServices;
using Berth.Core.Ecs;

namespace Berth.Core.Placement;

/// <summary>
/// The working copy one placement runs on: per-instance arrays built once from the snapshot and updated as
/// copies are placed, so that later copies see earlier ones. A <see cref="ClusterIndex"/> keeps one per request
/// shape across requests: it rolls a plan's copies back after the plan and refreshes an instance when the
/// cluster changes, instead of building the arrays again.
/// </summary>
/// <remarks>
/// Within one request only the instance that receives a copy changes, and it only loses resources and gains a
/// task of the request's group. So an instance's feasibility is re-checked only when it is chosen, the
/// feasible set only shrinks, and ranking keeps the feasible instances in <see cref="CandidateHeaps"/> (or, for
/// a plain random strategy, in a list to pick from in O(1)). Instances are kept in ContainerInstanceArn order
/// and ties after all strategies go to the lowest ARN, which makes a plan reproducible from the snapshot, the
/// request and the Random's seed. A trailing random strategy picks among the tied instances in ARN order, so the
/// pick does not depend on the history of the heaps either.
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
    private readonly string[] _requiredAttributes;
    private readonly bool _countGroups;

    private readonly int[] _cpu;
    private readonly int[] _memory;
    private readonly int[] _groupTasks;
    private readonly int[] _placed;
    private readonly FilterStage[] _stage;
    private readonly sbyte[] _staticMemberOf;

    // Per spread-attribute step: the value index of each instance, and the group's task count per value.
    private readonly int[][] _valueOf;
    private readonly int[][] _valueTasks;

    private readonly CandidateHeaps _heaps;
    private int _feasibleCount;
    // The instances this plan's copies went to, for Rollback.
    private readonly List<int> _touched = [];
    private readonly List<int> _tiedCells = [];
    private readonly List<int> _ties = [];
    private readonly Stack<int> _pending = new();

    private readonly CandidateQuerySubject _subject;

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
        _requiredAttributes = [.. request.RequiredAttributes];
        _subject = new CandidateQuerySubject(request.Group);

        var count = instances.Length;
        _cpu = new int[count];
        _memory = new int[count];
        _groupTasks = new int[count];
        _placed = new int[count];
        _stage = new FilterStage[count];
        _staticMemberOf = constraints.MemberOf.Length > 0 ? new sbyte[count] : [];
        // One pass over the snapshot's objects (the expensive part: each instance is several objects to fetch)
        // gathers everything later steps need into flat arrays.
        _valueOf = new int[_steps.Length][];
        _valueTasks = new int[_steps.Length][];
        var valueIndexes = new Dictionary<string, int>?[_steps.Length];
        for (var s = 0; s < _steps.Length; s++)
        {
            if (_steps[s].Kind == RankingKind.SpreadAttribute)
            {
                _valueOf[s] = new int[count];
                valueIndexes[s] = new Dictionary<string, int>(StringComparer.Ordinal);
            }
        }
        // Reading every task of every instance is the costliest part of a large cluster; only spread and
        // distinctInstance need the group's counts.
        _countGroups = constraints.DistinctInstance
            || Array.Exists(_steps, s => s.Kind is RankingKind.SpreadInstance or RankingKind.SpreadAttribute);
        for (var i = 0; i < count; i++)
        {
            var instance = instances[i];
            _cpu[i] = instance.Remaining.Cpu;
            _memory[i] = instance.Remaining.Memory;
            _groupTasks[i] = _countGroups ? CountGroupTasks(instance, request.Group) : 0;
            for (var s = 0; s < _steps.Length; s++)
            {
                if (valueIndexes[s] is { } indexes)
                {
                    _valueOf[s][i] = ValueIndex(instance, _steps[s].Attribute!, indexes);
                }
            }
            _stage[i] = Evaluate(i);
        }
        for (var s = 0; s < _steps.Length; s++)
        {
            if (valueIndexes[s] is { } indexes)
            {
                _valueTasks[s] = new int[indexes.Count + 1];
                for (var i = 0; i < count; i++)
                {
                    _valueTasks[s][_valueOf[s][i]] += _groupTasks[i];
                }
            }
        }

        _heaps = NewHeaps();
        for (var i = 0; i < count; i++)
        {
            if (_stage[i] == FilterStage.Feasible)
            {
                _heaps.Add(i);
                _feasibleCount++;
            }
        }
        _heaps.Build();
    }

    public int InstanceCount => _instances.Length;

    /// <summary>The ACTIVE instances of the snapshot in ContainerInstanceArn order, ready to place on.</summary>
    public static PlacementWorkspace Create(ClusterSnapshot snapshot, PlacementRequest request, RankingStep[] steps, ConstraintSet constraints) =>
        new(ActiveInOrder(snapshot.Instances), request, steps, constraints);

    /// <summary>
    /// A workspace over <paramref name="instances"/> (ACTIVE, in ContainerInstanceArn order), which the caller
    /// keeps: it replaces an element and calls <see cref="Refresh"/> when that instance changes.
    /// </summary>
    public static PlacementWorkspace Over(InstanceCandidate[] instances, PlacementRequest request, RankingStep[] steps, ConstraintSet constraints) =>
        new(instances, request, steps, constraints);

    /// <summary>The snapshot's ACTIVE instances in ContainerInstanceArn order.</summary>
    public static InstanceCandidate[] ActiveInOrder(IReadOnlyList<InstanceCandidate> all)
    {
        // "When you set a container instance to DRAINING, Amazon ECS prevents new tasks from being scheduled for
        // placement on the container instance"; INACTIVE ones are deregistered. Neither is a candidate, nor a
        // "closest" instance.
        var instances = new InstanceCandidate[all.Count];
        var count = 0;
        var inOrder = true;
        for (var i = 0; i < all.Count; i++)
        {
            var instance = all[i];
            if (string.Equals(instance.Status, Active, StringComparison.Ordinal))
            {
                inOrder = inOrder && (count == 0
                    || string.CompareOrdinal(instances[count - 1].ContainerInstanceArn, instance.ContainerInstanceArn) <= 0);
                instances[count++] = instance;
            }
        }
        Array.Resize(ref instances, count);
        if (!inOrder)
        {
            Array.Sort(instances, static (a, b) => string.CompareOrdinal(a.ContainerInstanceArn, b.ContainerInstanceArn));
        }
        return instances;
    }

    /// <summary>The instance the strategies pick for the next copy, or -1 when no instance is feasible.</summary>
    public int Choose(Random random)
    {
        if (_feasibleCount == 0)
        {
            return -1;
        }
        var best = -1;
        _tiedCells.Clear();
        for (var cell = 0; cell < _heaps.CellCount; cell++)
        {
            var top = _heaps.Top(cell);
            if (top < 0)
            {
                continue;
            }
            var comparison = best < 0 ? -1 : Compare(top, best);
            if (comparison < 0)
            {
                _tiedCells.Clear();
            }
            if (comparison <= 0)
            {
                _tiedCells.Add(cell);
                best = comparison < 0 || top < best ? top : best;
            }
        }
        if (!_endsWithRandom)
        {
            return best;
        }
        if (!_heaps.HasKeys)
        {
            // Every instance of a tied cell ties: pick a slot among them without listing them.
            var total = 0;
            foreach (var cell in _tiedCells)
            {
                total += _heaps.Count(cell);
            }
            var slot = random.Next(total);
            foreach (var cell in _tiedCells)
            {
                if (slot < _heaps.Count(cell))
                {
                    return _heaps.At(cell, slot);
                }
                slot -= _heaps.Count(cell);
            }
        }
        _ties.Clear();
        foreach (var cell in _tiedCells)
        {
            _heaps.CollectTies(cell, _ties, _pending);
        }
        // The heaps' layout depends on their history; ARN order does not.
        _ties.Sort();
        return _ties[random.Next(_ties.Count)];
    }

    /// <summary>Puts one copy on instance <paramref name="index"/> and updates everything later copies look at.</summary>
    public TaskPlacement Place(int index)
    {
        _cpu[index] -= _needCpu;
        _memory[index] -= _needMemory;
        _placed[index]++;
        _groupTasks[index]++;
        _touched.Add(index);
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
        else
        {
            _heaps.Changed(index);
        }
        return new TaskPlacement(_instances[index].ContainerInstanceArn);
    }

    /// <summary>Undoes every copy placed since the last rollback, so the workspace shows the cluster again.</summary>
    public void Rollback()
    {
        foreach (var index in _touched)
        {
            Refresh(index);
        }
        _touched.Clear();
    }

    /// <summary>
    /// Reads instance <paramref name="index"/> again from the instance array (its resources, tasks or agent
    /// changed) and forgets copies this plan put on it: O(its tasks + log instances).
    /// </summary>
    public void Refresh(int index)
    {
        var instance = _instances[index];
        _cpu[index] = instance.Remaining.Cpu;
        _memory[index] = instance.Remaining.Memory;
        _placed[index] = 0;
        var groupTasks = _countGroups ? CountGroupTasks(instance, _request.Group) : 0;
        for (var s = 0; s < _steps.Length; s++)
        {
            if (_steps[s].Kind == RankingKind.SpreadAttribute)
            {
                _valueTasks[s][_valueOf[s][index]] += groupTasks - _groupTasks[index];
            }
        }
        _groupTasks[index] = groupTasks;
        if (_staticMemberOf.Length > 0)
        {
            _staticMemberOf[index] = 0;
        }
        var wasFeasible = _stage[index] == FilterStage.Feasible;
        _stage[index] = Evaluate(index);
        var feasible = _stage[index] == FilterStage.Feasible;
        if (wasFeasible && feasible)
        {
            _heaps.Changed(index);
        }
        else if (wasFeasible)
        {
            RemoveFeasible(index);
        }
        else if (feasible)
        {
            _feasibleCount++;
            _heaps.Insert(index);
        }
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
        foreach (var name in _requiredAttributes)
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

    /// <summary>Orders two instances by every strategy in turn; 0 when the strategies cannot tell them apart.</summary>
    private int Compare(int a, int b)
    {
        for (var s = 0; s < _steps.Length; s++)
        {
            var (left, right) = (Key(s, a), Key(s, b));
            if (left != right)
            {
                return left < right ? -1 : 1;
            }
        }
        return 0;
    }

    private void RemoveFeasible(int index)
    {
        _feasibleCount--;
        _heaps.Remove(index);
    }

    /// <summary>
    /// Heaps over cells of instances that share every spread-attribute value, ordered by the other strategies'
    /// per-instance keys (binpack's resource left, spread-by-instance's task count) in strategy order.
    /// </summary>
    private CandidateHeaps NewHeaps()
    {
        var keys = new List<int[]>();
        var cellOf = new int[_instances.Length];
        var cellCount = 1;
        for (var s = 0; s < _steps.Length; s++)
        {
            switch (_steps[s].Kind)
            {
                case RankingKind.BinpackCpu:
                    keys.Add(_cpu);
                    break;
                case RankingKind.BinpackMemory:
                    keys.Add(_memory);
                    break;
                case RankingKind.SpreadInstance:
                    keys.Add(_groupTasks);
                    break;
                default:
                    // A cell is a combination of values: (cell so far, this step's value) → new cell.
                    var cells = new Dictionary<(int, int), int>();
                    for (var i = 0; i < cellOf.Length; i++)
                    {
                        ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(cells, (cellOf[i], _valueOf[s][i]), out var exists);
                        if (!exists)
                        {
                            cell = cells.Count - 1;
                        }
                        cellOf[i] = cell;
                    }
                    cellCount = cells.Count;
                    break;
            }
        }
        var cellSizes = new int[cellCount];
        foreach (var cell in cellOf)
        {
            cellSizes[cell]++;
        }
        return new CandidateHeaps([.. keys], cellOf, cellSizes);
    }

    /// <summary>
    /// The index of the instance's value of a spread attribute. Spread counts the group's tasks on every ACTIVE
    /// instance with the same value; an instance without the attribute counts under a value of its own (0).
    /// Tasks on DRAINING instances are not counted: they are being replaced, and counting them would steer
    /// their replacements away from where they are needed.
    /// </summary>
    private static int ValueIndex(InstanceCandidate instance, string attribute, Dictionary<string, int> indexes)
    {
        if (!instance.Attributes.TryGetValue(attribute, out var value))
        {
            return 0;
        }
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(indexes, value ?? "", out var exists);
        if (!exists)
        {
            slot = indexes.Count;
        }
        return slot;
    }

    private static int CountGroupTasks(InstanceCandidate instance, string group)
    {
        var tasks = instance.Tasks;
        var count = 0;
        for (var t = 0; t < tasks.Count; t++)
        {
            if (string.Equals(tasks[t].Group, group, StringComparison.Ordinal))
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
}
