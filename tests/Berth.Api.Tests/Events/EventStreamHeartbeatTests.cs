using Berth.Api.Protocol;

namespace Berth.Api.Tests.Events;

/// <summary>An idle stream is not silent: proxies would close it.</summary>
public sealed class EventStreamHeartbeatTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-heartbeat-{Guid.NewGuid():N}");

    [Fact]
    public async Task An_idle_stream_sends_a_heartbeat_comment_every_interval()
    {
        await using var server = await RunningServer.StartAsync(_dataDirectory, new ApiOptions { EventHeartbeatInterval = TimeSpan.FromMilliseconds(200) });
        using var response = await server.Http.GetAsync(new Uri("/_berth/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var lines = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            lines.Add(await reader.ReadLineAsync(timeout.Token));
        }

        Assert.Equal([": heartbeat", "", ": heartbeat", ""], lines);
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
