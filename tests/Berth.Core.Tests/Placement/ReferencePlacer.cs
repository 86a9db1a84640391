using Berth.Core.Ecs;
using Berth.Core.Placement;

namespace Berth.Core.Tests.Placement;

/// <summary>
/// The placement rules written the slow, obvious way (recount everything for every copy), to check the engine's
/// incremental bookkeeping against. Deterministic strategies, distinctInstance and fixed ports only.
/// </summary>
internal static class ReferencePlacer
{
    public static string[] Place(IReadOnlyList<InstanceCandidate> instances, PlacementRequest request)
    {
        var active = instances.Where(i => i.Status == "ACTIVE").OrderBy(i => i.ContainerInstanceArn, StringComparer.Ordinal).ToList();
        var placed = active.ToDictionary(i => i, _ => 0);
        var result = new List<string>();
        for (var copy = 0; copy < request.Count; copy++)
        {
            var candidates = active.Where(i => Fits(i, placed[i], request)).ToList();
            if (candidates.Count == 0)
            {
                break;
            }
            foreach (var strategy in request.Strategies)
            {
                var keyed = candidates.Select(i => (Instance: i, Key: Key(strategy, i, active, placed, request))).ToList();
                var min = keyed.Min(k => k.Key);
                candidates = [.. keyed.Where(k => k.Key == min).Select(k => k.Instance)];
            }
            var chosen = candidates[0];
            placed[chosen]++;
            result.Add(chosen.ContainerInstanceArn);
        }
        return [.. result];
    }

    private static bool Fits(InstanceCandidate instance, int placed, PlacementRequest request) =>
        instance.AgentConnected
        && request.RequiredAttributes.All(instance.Attributes.ContainsKey)
        && instance.Remaining.Cpu - placed * request.Needs.Cpu >= request.Needs.Cpu
        && instance.Remaining.Memory - placed * request.Needs.Memory >= request.Needs.Memory
        && (request.Needs.TcpPorts.Count == 0 || (placed == 0 && !request.Needs.TcpPorts.Overlaps(instance.Remaining.TcpPorts)))
        && (!request.Constraints.Any(c => c.Type == "distinctInstance") || GroupTasks(instance, placed, request) == 0);

    private static int Key(PlacementStrategy strategy, InstanceCandidate instance, List<InstanceCandidate> active,
        Dictionary<InstanceCandidate, int> placed, PlacementRequest request) => (strategy.Type, strategy.Field) switch
        {
            ("binpack", "cpu") => instance.Remaining.Cpu - placed[instance] * request.Needs.Cpu,
            ("binpack", "memory") => instance.Remaining.Memory - placed[instance] * request.Needs.Memory,
            ("spread", "instanceId" or "host") => GroupTasks(instance, placed[instance], request),
            ("spread", var field) => active
                .Where(other => Value(other, field!) == Value(instance, field!))
                .Sum(other => GroupTasks(other, placed[other], request)),
            _ => throw new NotSupportedException(strategy.Type),
        };

    private static string? Value(InstanceCandidate instance, string field) =>
        instance.Attributes.TryGetValue(field["attribute:".Length..], out var value) ? value ?? "" : null;

    private static int GroupTasks(InstanceCandidate instance, int placed, PlacementRequest request) =>
        instance.Tasks.Count(t => t.Group == request.Group) + placed;
}
