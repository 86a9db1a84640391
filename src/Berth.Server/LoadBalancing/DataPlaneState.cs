namespace Berth.Server.LoadBalancing;

/// <summary>The snapshot every listener and the health checker read; replaced whole, never changed.</summary>
internal sealed class DataPlaneState
{
    private DataPlaneSnapshot _current = DataPlaneSnapshot.Empty;

    public DataPlaneSnapshot Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }
}
