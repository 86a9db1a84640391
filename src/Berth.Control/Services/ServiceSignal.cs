using Berth.Core.Concurrency;

namespace Berth.Control.Services;

/// <summary>
/// Wakes the service scheduler in this process when something it reacts to changed (a service was created or
/// updated, a task changed status), so a replacement starts at once instead of on the next periodic round. The
/// scheduler takes <see cref="ChangeNotifier.Changed"/> before a round, so a change made while the round runs still
/// wakes the following one.
/// </summary>
public sealed class ServiceSignal : ChangeNotifier;
