using Berth.Control.Clusters;
using Berth.Core.ContainerInstances;

namespace Berth.Control.Tasks;

/// <summary>
/// This server's <see cref="PlacementView"/> of each placement source, by key. A view left unused for
/// <see cref="IdleLifetime"/> (its cluster deleted, its group gone) is dropped; the next placement there reads the
/// source afresh.
/// </summary>
internal sealed class PlacementViews(ClusterState state, AgentLiveness liveness)
{
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, PlacementView> _views = new(StringComparer.Ordinal);

    /// <summary>The source's view; the caller holds the source's <see cref="TurnGate"/> turn while it uses it.</summary>
    public PlacementView Get(string key, DateTimeOffset now)
    {
        lock (_views)
        {
            foreach (var idle in _views.Where(v => now - v.Value.LastUsed > IdleLifetime).Select(v => v.Key).ToList())
            {
                _views.Remove(idle);
            }
            if (!_views.TryGetValue(key, out var view))
            {
                view = new PlacementView(state, liveness);
                _views.Add(key, view);
            }
            view.LastUsed = now;
            return view;
        }
    }
}
