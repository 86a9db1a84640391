namespace Berth.WebConsole.Tests;

/// <summary>Waiting for what a real server and real containers do in their own time: generous limits, never latency assertions.</summary>
internal static class Poll
{
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan limit, Func<bool>? givenUp = null)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }
            if (givenUp?.Invoke() == true)
            {
                return false;
            }
            await Task.Delay(250);
        }
        return false;
    }
}
