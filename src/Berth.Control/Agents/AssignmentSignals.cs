using Berth.Core.Concurrency;

namespace Berth.Control.Agents;

/// <summary>
/// Wakes agent long-polls in this process when their instance's assignments change (keyed by container instance
/// ARN), so a task placed here reaches its agent at once. Changes committed by another server process are notified by
/// the server's AssignmentWatcher, which scans the instance records' versions every second.
/// </summary>
public sealed class AssignmentSignals : KeyedChangeNotifier;
