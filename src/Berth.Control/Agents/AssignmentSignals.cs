using Berth.Core.Concurrency;

namespace Berth.Control.Agents;

/// <summary>
/// Wakes agent long-polls in this process when their instance's assignments change (keyed by container instance
/// ARN), so a task placed here reaches its agent at once. Polls also re-read the store every second, which covers
/// changes committed by another server process.
/// </summary>
public sealed class AssignmentSignals : KeyedChangeNotifier;
