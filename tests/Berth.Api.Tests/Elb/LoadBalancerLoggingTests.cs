using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Berth.Server;
using Berth.Server.LoadBalancing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Tests.Elb;

/// <summary>
/// What the load balancer writes about requests through a real listener: nothing per request in the server's own log,
/// and with <c>--lb-access-log</c> one ALB-format line per request in a file or a CloudWatch Logs group; and about a
/// listener port another process holds: one line, not one a second.
/// </summary>
public sealed partial class LoadBalancerLoggingTests : IAsyncLifetime
{
    private const int Requests = 200;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-lb-logs-{Guid.NewGuid():N}");
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly CapturedLogs _logs = new();
    private WebApplication? _app;
    private HttpClient? _api;
    private TestBackend? _backend;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _api?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>A server whose log entries are captured, as its console would print them (its own filters apply).</summary>
    private async Task<ElbClient> StartAsync(AccessLogDestination? accessLog)
    {
        var options = new ServerOptions { Port = 0, DataDirectory = Path.Combine(_dataDirectory, "server"), LoadBalancerAccessLog = accessLog };
        _app = await BerthServer.BuildAsync(options, CancellationToken.None);
        _app.Services.GetRequiredService<ILoggerFactory>().AddProvider(_logs);
        await _app.StartAsync();
        _api = new HttpClient { BaseAddress = BerthServer.EndpointOf(_app) };
        _backend = await TestBackend.StartAsync("web");
        return new ElbClient(_api, "us-west-2");
    }

    /// <summary>A load balancer with a listener forwarding to one healthy target; returns its ARN, the group's and the port.</summary>
    private async Task<(string LoadBalancer, string TargetGroup, int Port)> BalanceAsync(ElbClient elb)
    {
        var tg = await elb.CreateTargetGroupAsync("web", ("HealthCheckPath", "/health"), ("HealthCheckIntervalSeconds", "5"), ("HealthyThresholdCount", "2"));
        await elb.RegisterAsync(tg, _backend!.Port);
        var lb = await elb.CreateLoadBalancerAsync("web");
        var port = FreePort.Next();
        await elb.CreateListenerAsync(lb, port, tg);
        var health = await Eventually.ReadAsync(() => elb.HealthAsync(tg), h => h[_backend.Port].State == "healthy");
        Assert.Equal("healthy", health[_backend.Port].State);
        await Eventually.ReadAsync(async () => await TryGetAsync(port), ok => ok);
        return (lb, tg, port);
    }

    private async Task<bool> TryGetAsync(int port)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task GetAsync(int port, string pathAndQuery, string userAgent, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{pathAndQuery}");
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        request.Headers.TryAddWithoutValidation("X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678");
        using var response = await _http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Proxied_requests_write_nothing_to_the_server_log_by_default()
    {
        var elb = await StartAsync(accessLog: null);
        var (_, _, port) = await BalanceAsync(elb);

        var before = _logs.Count;
        for (var i = 0; i < Requests; i++)
        {
            await GetAsync(port, "/", "quiet-test");
        }
        var during = _logs.Since(before);

        // YARP's forwarder alone used to log two Information entries per request: 400 here.
        Assert.DoesNotContain(during, e => e.Category.StartsWith("Yarp", StringComparison.Ordinal));
        Assert.True(during.Count < Requests / 10, $"{during.Count} log entries for {Requests} requests: {string.Join(" | ", during.Take(5))}");
    }

    [Fact]
    public async Task A_listener_port_another_process_holds_is_logged_once_and_served_once_it_is_free()
    {
        var elb = await StartAsync(accessLog: null);
        var tg = await elb.CreateTargetGroupAsync("web", ("HealthCheckPath", "/health"), ("HealthCheckIntervalSeconds", "5"), ("HealthyThresholdCount", "2"));
        await elb.RegisterAsync(tg, _backend!.Port);
        var lb = await elb.CreateLoadBalancerAsync("web");
        var port = FreePort.Next();
        // As another berth server on this machine serving the same listener would.
        var other = new TcpListener(IPAddress.Loopback, port);
        other.Start();
        try
        {
            await elb.CreateListenerAsync(lb, port, tg);
            var held = await Eventually.ReadAsync(() => Task.FromResult(DataPlaneEntries()), e => e.Count > 0);
            Assert.Single(held);
            // The data plane tries the port again each second and on every change; the earlier code logged an error with
            // its stack trace at every try.
            for (var i = 0; i < 3; i++)
            {
                await elb.OkAsync("AddTags", ("ResourceArns.member.1", tg), ("Tags.member.1.Key", "try"), ("Tags.member.1.Value", $"{i}"));
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            var entries = DataPlaneEntries();
            Assert.True(entries.Count == 1, string.Join(" | ", entries));
            Assert.Equal(LogLevel.Information, entries[0].Level);
            Assert.Contains($"127.0.0.1:{port} is held by another process", entries[0].Message, StringComparison.Ordinal);
        }
        finally
        {
            other.Stop();
        }
        Assert.True(await Eventually.ReadAsync(async () => await TryGetAsync(port), ok => ok), "the listener was not served once the port was free");
        Assert.Contains(DataPlaneEntries(), e => e.Message == $"Listener serving on 127.0.0.1:{port}");
    }

    private List<LogEntry> DataPlaneEntries() =>
        [.. _logs.Since(0).Where(e => e.Category == typeof(LoadBalancerDataPlane).FullName && e.Message.Contains("127.0.0.1:", StringComparison.Ordinal))];

    [Fact]
    public async Task The_access_log_file_has_one_ALB_line_per_request()
    {
        var path = Path.Combine(_dataDirectory, "access.log");
        var elb = await StartAsync(AccessLogDestination.Parse(path));
        var (lb, tg, port) = await BalanceAsync(elb);
        // A second listener whose group has no target: ELB answers 503 and logs no target.
        var empty = await elb.CreateTargetGroupAsync("empty");
        var emptyPort = FreePort.Next();
        await elb.CreateListenerAsync(lb, emptyPort, empty);
        await Eventually.ReadAsync(async () =>
        {
            try
            {
                using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{emptyPort}/"));
                return response.StatusCode == HttpStatusCode.ServiceUnavailable;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, ok => ok);

        for (var i = 0; i < 5; i++)
        {
            await GetAsync(port, $"/hello?i={i}", "access-log-test/1.0");
        }
        await GetAsync(emptyPort, "/nothing", "access-log-test/1.0", HttpStatusCode.ServiceUnavailable);

        var lines = await Eventually.ReadAsync(() => Task.FromResult(LinesOf(path, "access-log-test/1.0")), l => l.Count == 6);
        Assert.Equal(6, lines.Count);
        var id = lb[(lb.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];
        for (var i = 0; i < 5; i++)
        {
            var fields = AlbLine().Match(lines[i]);
            Assert.True(fields.Success, $"not an ALB access log line: {lines[i]}");
            Assert.Equal("http", fields.Groups["type"].Value);
            Assert.Equal(id, fields.Groups["elb"].Value);
            Assert.Equal("127.0.0.1", fields.Groups["client"].Value);
            Assert.Equal($"127.0.0.1:{_backend!.Port}", fields.Groups["target"].Value);
            Assert.Equal(("200", "200"), (fields.Groups["elb_status"].Value, fields.Groups["target_status"].Value));
            Assert.True(long.Parse(fields.Groups["received"].Value, CultureInfo.InvariantCulture) > 0);
            // The backend answers "web /hello" (10 bytes) after its headers.
            Assert.True(long.Parse(fields.Groups["sent"].Value, CultureInfo.InvariantCulture) > 10);
            Assert.Equal($"GET http://127.0.0.1:{port}/hello?i={i} HTTP/1.1", fields.Groups["request"].Value);
            Assert.Equal((tg, "Root=1-67891233-abcdef012345678912345678", "0"),
                (fields.Groups["target_group"].Value, fields.Groups["trace"].Value, fields.Groups["priority"].Value));
            Assert.Equal(($"127.0.0.1:{_backend.Port}", "200"), (fields.Groups["target_list"].Value, fields.Groups["status_list"].Value));
            Assert.True(DateTimeOffset.Parse(fields.Groups["created"].Value, CultureInfo.InvariantCulture)
                <= DateTimeOffset.Parse(fields.Groups["time"].Value, CultureInfo.InvariantCulture));
        }
        Assert.Matches($"^http \\S+ {Regex.Escape(id)} 127\\.0\\.0\\.1:\\d+ - -1 -1 -1 503 - \\d+ \\d+ \"GET http://127\\.0\\.0\\.1:{emptyPort}/nothing HTTP/1\\.1\" ", lines[5]);
        Assert.Contains($" {empty} ", lines[5]);
    }

    [Fact]
    public async Task Access_logs_can_go_to_a_CloudWatch_Logs_group_with_a_stream_per_load_balancer()
    {
        var elb = await StartAsync(AccessLogDestination.Parse("logs:/berth/alb-access"));
        var (lb, _, port) = await BalanceAsync(elb);
        await GetAsync(port, "/to-logs", "access-log-group-test");

        var stream = lb[(lb.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];
        var logs = new EcsClient(_api!, elb.Region, "Logs_20140328");
        var events = await Eventually.ReadAsync(async () =>
        {
            var response = await logs.SendAsync("GetLogEvents", new { logGroupName = "/berth/alb-access", logStreamName = stream, startFromHead = true });
            return response.Status == HttpStatusCode.OK
                ? response.Body!["events"]!.AsArray().Select(e => (string)e!["message"]!).Where(m => m.Contains("access-log-group-test", StringComparison.Ordinal)).ToList()
                : [];
        }, found => found.Count == 1);

        var line = Assert.Single(events);
        Assert.Matches(AlbLine(), line);
        Assert.Contains($"\"GET http://127.0.0.1:{port}/to-logs HTTP/1.1\"", line);
    }

    private static List<string> LinesOf(string path, string userAgent) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Contains($"\"{userAgent}\"", StringComparison.Ordinal)).ToList() : [];

    /// <summary>Every field of an ALB access log entry, as AWS documents the syntax.</summary>
    [GeneratedRegex(@"^(?<type>\S+) (?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) (?<elb>app/\S+) (?<client>[\d.]+):\d+ (?<target>\S+) "
        + @"(?<rpt>-1|\d+\.\d{3}) (?<tpt>-1|\d+\.\d{3}) (?<spt>-1|\d+\.\d{3}) (?<elb_status>\d{3}) (?<target_status>\d{3}|-) (?<received>\d+) (?<sent>\d+) "
        + @"""(?<request>[^""]*)"" ""(?<agent>[^""]*)"" (?<cipher>\S+) (?<protocol>\S+) (?<target_group>\S+) ""(?<trace>[^""]*)"" ""(?<domain>[^""]*)"" ""(?<cert>[^""]*)"" "
        + @"(?<priority>-?\d+) (?<created>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) ""(?<actions>[^""]*)"" ""(?<redirect>[^""]*)"" ""(?<error>[^""]*)"" "
        + @"""(?<target_list>[^""]*)"" ""(?<status_list>[^""]*)"" ""(?<classification>[^""]*)"" ""(?<reason>[^""]*)"" (?<conn>TID_[0-9a-f]+)$")]
    private static partial Regex AlbLine();
}
