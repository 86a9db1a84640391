namespace Berth.Agent.Tests.Support;

public static class Waits
{
    /// <summary>GET with a few retries: the process in a fresh container may still be binding its port.</summary>
    public static async Task<string> HttpGetAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await http.GetStringAsync(new Uri(url));
            }
            catch (HttpRequestException) when (attempt < 20)
            {
                await Task.Delay(100);
            }
        }
    }

    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Condition not met within {timeout.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Condition not met within {timeout.TotalSeconds} s.");
            await Task.Delay(100);
        }
    }

    public static async Task UntilContainerGoneAsync(string containerId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                await DockerEnvironment.Client.Containers.InspectContainerAsync(containerId);
            }
            catch (global::Docker.DotNet.DockerContainerNotFoundException)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Container {containerId} still exists.");
            await Task.Delay(200);
        }
    }
}
