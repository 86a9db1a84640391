using System.Runtime.InteropServices;

namespace Berth.Cli;

/// <summary>
/// Hands the C heap's free pages back to the system while a long-running command (<c>up</c>, <c>server</c>,
/// <c>agent</c>) runs. glibc returns memory to the system only from the top of a heap, so what the JIT, the
/// runtime, SQLite and OpenSSL free in the middle of it stays resident; after start-up (the JIT's working memory
/// for some ten thousand methods) that is about 5 MiB of an idle <c>berth up</c>. <c>malloc_trim(0)</c> releases
/// every free page in every arena; it takes well under a millisecond on heaps this size, so it runs on a timer
/// (docs/performance.md, "Idle memory"). Elsewhere than glibc (musl, macOS) there is nothing to call and it stops.
/// </summary>
internal sealed class NativeHeapTrimmer : IDisposable
{
    /// <summary>Soon enough after start-up to give back its garbage while the process is still new, rare enough to cost nothing.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly Timer timer;

    private NativeHeapTrimmer()
    {
        timer = new Timer(_ => Tick(), null, Interval, Interval);
    }

    public static NativeHeapTrimmer Start() => new();

    public void Dispose() => timer.Dispose();

    private void Tick()
    {
        if (!TryTrim())
        {
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Gives the C heap's free pages back to the system; false where the C library is not glibc.</summary>
    internal static bool TryTrim()
    {
        try
        {
            _ = MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport: the signature is blittable, so nothing needs generating, and the
    // project need not allow unsafe code for it.
    [DllImport("libc.so.6", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
