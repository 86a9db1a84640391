using System.Text;

namespace Berth.Core.Placement;

/// <summary>
/// An incremental, indexed view of one cluster for placement, kept across requests: the ACTIVE instances in
/// ContainerInstanceArn order, and per request shape (resources, ports, group, strategies, constraints) a
/// <see cref="PlacementWorkspace"/> whose feasibility stages and ranking heaps (by remaining resources, by
/// spread-attribute cell such as the availability zone) stay built. The caller reports each change to an
/// instance (<see cref="Placed"/>, <see cref="Stopped"/>, <see cref="Update"/>) and every kept view re-reads
/// that one instance, so a plan of 10 copies costs O(copies × (cells + log instances)) instead of a pass over
/// the whole snapshot.
/// </summary>
/// <remarks>
/// <see cref="Place"/> chooses exactly what <see cref="PlacementEngine.Place"/> chooses on a snapshot of the same
/// instances (the same workspace code runs on both). It does not change the index: the copies of a plan are
/// rolled back when the plan is made, and become part of the cluster when the caller commits them and reports
/// them through <see cref="Placed"/>. Not thread-safe: one caller at a time.
/// </remarks>
public sealed class ClusterIndex
{
    private const string Active = "ACTIVE";

    /// <summary>
    /// Request shapes kept at once. A cluster's placements come from a handful of services and task
    /// definitions; each kept view costs a few arrays of the instance count and a refresh per instance change.
    /// </summary>
    private const int MaxViews = 16;

    private InstanceCandidate[] _instances;
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PlacementWorkspace> _views = new(StringComparer.Ordinal);
    private readonly Queue<string> _viewAge = new();

    public ClusterIndex(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _instances = PlacementWorkspace.ActiveInOrder(snapshot.Instances);
        IndexPositions();
    }

    /// <summary>How many ACTIVE instances the index holds.</summary>
    public int InstanceCount => _instances.Length;

    /// <summary>How many request shapes have a view built (at most 16).</summary>
    public int ViewCount => _views.Count;

    /// <summary>
    /// The plan <see cref="PlacementEngine.Place"/> makes for <paramref name="request"/> on the cluster as the
    /// index holds it, with the same validation errors. The index is unchanged afterwards.
    /// </summary>
    public PlacementPlan Place(PlacementRequest request, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (PlacementEngine.Parse(request) is not var (steps, constraints))
        {
            return PlacementEngine.Nothing;
        }
        var view = View(request, steps, constraints);
        try
        {
            return PlacementEngine.PlaceCopies(view, request.Count, random);
        }
        finally
        {
            view.Rollback();
        }
    }

    /// <summary>
    /// A task now holds <paramref name="needs"/> on the instance (its CPU, memory and fixed host ports). An
    /// instance the index does not hold (not ACTIVE) is ignored: it comes back through <see cref="Update"/>.
    /// </summary>
    public void Placed(string containerInstanceArn, PlacedTask task, ResourceSet needs)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(needs);
        if (Find(containerInstanceArn) is not { } instance)
        {
            return;
        }
        var remaining = instance.Remaining;
        Update(instance with
        {
            Remaining = new ResourceSet(
                remaining.Cpu - needs.Cpu,
                remaining.Memory - needs.Memory,
                new HashSet<int>(remaining.TcpPorts.Concat(needs.TcpPorts)),
                new HashSet<int>(remaining.UdpPorts.Concat(needs.UdpPorts))),
            Tasks = [.. instance.Tasks, task],
        });
    }

    /// <summary>The task stopped and gave back <paramref name="needs"/>. Unknown instances and tasks are ignored.</summary>
    public void Stopped(string containerInstanceArn, string taskArn, ResourceSet needs)
    {
        ArgumentNullException.ThrowIfNull(needs);
        if (Find(containerInstanceArn) is not { } instance
            || !instance.Tasks.Any(t => string.Equals(t.TaskArn, taskArn, StringComparison.Ordinal)))
        {
            return;
        }
        var remaining = instance.Remaining;
        Update(instance with
        {
            Remaining = new ResourceSet(
                remaining.Cpu + needs.Cpu,
                remaining.Memory + needs.Memory,
                new HashSet<int>(remaining.TcpPorts.Except(needs.TcpPorts)),
                new HashSet<int>(remaining.UdpPorts.Except(needs.UdpPorts))),
            Tasks = [.. instance.Tasks.Where(t => !string.Equals(t.TaskArn, taskArn, StringComparison.Ordinal))],
        });
    }

    /// <summary>
    /// The instance's whole state as it is now. A change of resources, tasks or agent connection refreshes that
    /// instance in every view; a new ACTIVE instance, one that left ACTIVE (draining, deregistered), or a change
    /// of attributes, agent version or identity drops the views, which the next requests build again.
    /// </summary>
    public void Update(InstanceCandidate instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var active = string.Equals(instance.Status, Active, StringComparison.Ordinal);
        if (!_positions.TryGetValue(instance.ContainerInstanceArn, out var index))
        {
            if (active)
            {
                Reindex([.. _instances, instance]);
            }
            return;
        }
        if (!active)
        {
            Reindex([.. _instances.Where((_, i) => i != index)]);
            return;
        }
        var previous = _instances[index];
        _instances[index] = instance;
        if (!SameAsQueriesSeeIt(previous, instance))
        {
            DropViews();
            return;
        }
        foreach (var view in _views.Values)
        {
            view.Refresh(index);
        }
    }

    private InstanceCandidate? Find(string containerInstanceArn) =>
        _positions.TryGetValue(containerInstanceArn, out var index) ? _instances[index] : null;

    private PlacementWorkspace View(PlacementRequest request, RankingStep[] steps, ConstraintSet constraints)
    {
        var shape = ShapeOf(request);
        if (_views.TryGetValue(shape, out var view))
        {
            return view;
        }
        if (_views.Count == MaxViews)
        {
            _views.Remove(_viewAge.Dequeue());
        }
        view = PlacementWorkspace.Over(_instances, request, steps, constraints);
        _views.Add(shape, view);
        _viewAge.Enqueue(shape);
        return view;
    }

    private void Reindex(InstanceCandidate[] instances)
    {
        _instances = PlacementWorkspace.ActiveInOrder(instances);
        IndexPositions();
        DropViews();
    }

    private void IndexPositions()
    {
        _positions.Clear();
        for (var i = 0; i < _instances.Length; i++)
        {
            _positions[_instances[i].ContainerInstanceArn] = i;
        }
    }

    private void DropViews()
    {
        _views.Clear();
        _viewAge.Clear();
    }

    /// <summary>
    /// Whether everything but resources, tasks and the agent's connection is unchanged: a view places instances
    /// into spread cells and caches memberOf answers from these once.
    /// </summary>
    private static bool SameAsQueriesSeeIt(InstanceCandidate a, InstanceCandidate b) =>
        string.Equals(a.Ec2InstanceId, b.Ec2InstanceId, StringComparison.Ordinal)
        && string.Equals(a.AgentVersion, b.AgentVersion, StringComparison.Ordinal)
        && a.RegisteredAt == b.RegisteredAt
        && (ReferenceEquals(a.Attributes, b.Attributes)
            || (a.Attributes.Count == b.Attributes.Count
                && a.Attributes.All(pair => b.Attributes.TryGetValue(pair.Key, out var value)
                    && string.Equals(pair.Value, value, StringComparison.Ordinal))));

    /// <summary>
    /// Everything of a request a view depends on (all but its count), as one key. Required attributes keep
    /// their order: the first missing one names the failure.
    /// </summary>
    private static string ShapeOf(PlacementRequest request)
    {
        const char Separator = '\u001f';
        var shape = new StringBuilder();
        shape.Append(request.Needs.Cpu).Append(Separator).Append(request.Needs.Memory).Append(Separator);
        shape.AppendJoin(',', request.Needs.TcpPorts.Order()).Append(Separator);
        shape.AppendJoin(',', request.Needs.UdpPorts.Order()).Append(Separator);
        shape.Append(request.Group).Append(Separator);
        foreach (var strategy in request.Strategies)
        {
            shape.Append(strategy.Type).Append(':').Append(strategy.Field).Append(Separator);
        }
        shape.Append(Separator);
        foreach (var constraint in request.Constraints)
        {
            shape.Append(constraint.Type).Append(':').Append(constraint.Expression).Append(Separator);
        }
        shape.Append(Separator);
        shape.AppendJoin(Separator, request.RequiredAttributes);
        return shape.ToString();
    }
}
