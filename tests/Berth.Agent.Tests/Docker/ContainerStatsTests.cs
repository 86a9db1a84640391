using System.Net;
using System.Net.Sockets;
using System.Text;
using Berth.Agent.Docker;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Agent.Tests.Docker;

/// <summary>What <see cref="DockerDriver.GetStatsAsync"/> makes of the engine's answers, from an engine on loopback that answers as told.</summary>
public sealed class ContainerStatsTests
{
    [Fact]
    public async Task A_container_that_stopped_while_the_engine_answered_has_no_reading()
    {
        // What Docker answered for a container stopping during the request: 200 and no body. That was a JSON parse error,
        // which made the stats sampler drop the interval's samples of every task of the instance.
        Assert.Null(await StatsAnsweredAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n"));
        Assert.Null(await StatsAnsweredAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));

        const string stats = """{"read":"2026-12-07T21:00:00Z","memory_stats":{"usage":1048576}}""";
        var reading = await StatsAnsweredAsync($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {stats.Length}\r\n\r\n{stats}");
        Assert.Equal(1048576, reading!.Value.GetProperty("memory_stats").GetProperty("usage").GetInt64());
    }

    /// <summary>The driver's reading of one container's stats when the engine answers with <paramref name="response"/>.</summary>
    private static async Task<System.Text.Json.JsonElement?> StatsAnsweredAsync(string response)
    {
        using var engine = new TcpListener(IPAddress.Loopback, 0);
        engine.Start();
        var answered = AnswerOnceAsync(engine, response);
        using var driver = new DockerDriver(new Uri($"tcp://127.0.0.1:{((IPEndPoint)engine.LocalEndpoint).Port}"), NullLogger<DockerDriver>.Instance);
        var reading = await driver.GetStatsAsync("web", CancellationToken.None, oneShot: true);
        Assert.StartsWith("GET /containers/web/stats?stream=false&one-shot=true ", await answered, StringComparison.Ordinal);
        return reading;
    }

    /// <summary>Reads one request's head and answers it; returns the request line.</summary>
    private static async Task<string> AnswerOnceAsync(TcpListener engine, string response)
    {
        using var client = await engine.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
        return head.ToString().Split("\r\n")[0];
    }
}
