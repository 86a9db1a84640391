using System.Diagnostics;

namespace Berth.Api.Tests;

/// <summary>The controllers work in the background: tests wait, bounded, until what they did becomes visible.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Reads every 100 ms until <paramref name="done"/> holds or 20 s pass, and returns the last value read either
    /// way, so the test's own assertion says what was wrong.
    /// </summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || clock.Elapsed > Limit)
            {
                return value;
            }
            await Task.Delay(100);
        }
    }
}
