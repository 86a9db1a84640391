using Berth.Core.Concurrency;

namespace Berth.Control.Daemons;

/// <summary>
/// Wakes the daemon scheduler in this process when a daemon was created, updated or deleted, so its deployment starts
/// at once instead of on the next periodic round (task reports wake it through the service scheduler's signal).
/// </summary>
public sealed class DaemonSignal : ChangeNotifier;
