using Berth.Core.Concurrency;

namespace Berth.Control.LoadBalancing;

/// <summary>
/// Wakes the load balancer data plane when an ELBv2 write committed in this process, so a new listener
/// or target takes traffic at once; the data plane also re-reads the store periodically, which covers
/// changes committed by another server process.
/// </summary>
public sealed class ElbChanges : ChangeNotifier;
