namespace Berth.Server.Leadership;

/// <summary>The fencing token of the lease term the current async flow works for, if any (see <see cref="FencedStateStore"/>).</summary>
internal static class Fencing
{
    private static readonly AsyncLocal<long?> Current = new();

    public static long? Token => Current.Value;

    /// <summary>Fences every commit made from here on in this flow and in what it starts, until the scope is disposed.</summary>
    public static IDisposable Enter(long token)
    {
        var outer = Current.Value;
        Current.Value = token;
        return new Scope(outer);
    }

    private sealed class Scope(long? outer) : IDisposable
    {
        public void Dispose() => Current.Value = outer;
    }
}
