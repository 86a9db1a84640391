using Berth.Core.Concurrency;

namespace Berth.Control.Daemons;

/// <summary>
/// Wakes the daemon scheduler in this process when a daemon was created, updated or deleted, so its deployment starts
/// at once instead of on the next periodic round; such a wake reconciles every daemon. A daemon's task reports wake
/// its own round through the service scheduler's signal (<c>ServiceSignal</c>, marked with the daemon's ARN).
/// </summary>
public sealed class DaemonSignal : SubjectNotifier;
