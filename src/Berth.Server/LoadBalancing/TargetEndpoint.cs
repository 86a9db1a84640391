using Berth.Core.Elb;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// One registered target as the proxy reaches it, with its count of requests in flight (for least
/// outstanding requests). The same instance is kept across snapshots while the target stays registered,
/// so the count survives configuration changes.
/// </summary>
internal sealed class TargetEndpoint(string targetGroupArn, TargetKey key, string address)
{
    private int _inFlight;

    public string TargetGroupArn { get; } = targetGroupArn;

    public TargetKey Key { get; } = key;

    /// <summary><c>http://{ip}:{port}/</c>: where YARP's forwarder sends requests.</summary>
    public string DestinationPrefix { get; } = $"http://{address}:{key.Port}/";

    public string Address { get; } = address;

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Finished() => Interlocked.Decrement(ref _inFlight);
}
