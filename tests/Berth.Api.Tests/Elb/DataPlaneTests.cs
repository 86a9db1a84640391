using System.Net;
using Berth.Core.Metrics;
using Berth.Server.LoadBalancing;
using Berth.Store.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Elb;

/// <summary>
/// Requests through real listeners on loopback to real backends: round robin, rules, health checks
/// taking a target out, and deregistration letting a request in flight finish.
/// </summary>
public sealed class DataPlaneTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>, IAsyncLifetime
{
    private readonly List<TestBackend> _backends = [];
    private readonly List<ScopedPoint> _drained = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    private async Task<TestBackend> BackendAsync(string name)
    {
        var backend = await TestBackend.StartAsync(name);
        _backends.Add(backend);
        return backend;
    }

    /// <summary>A load balancer whose listener forwards to a fresh target group with <paramref name="backends"/> registered.</summary>
    private async Task<(ElbClient Elb, string TargetGroup, string Listener, int Port)> BalanceAsync(string name, TestBackend[] backends, params (string, string)[] settings)
    {
        var elb = server.NewElbClient();
        var tg = await elb.CreateTargetGroupAsync(name, [("HealthCheckPath", "/health"), ("HealthCheckIntervalSeconds", "5"), ("HealthCheckTimeoutSeconds", "2"),
            ("HealthyThresholdCount", "2"), ("UnhealthyThresholdCount", "2"), .. settings]);
        await elb.RegisterAsync(tg, backends.Select(b => b.Port).ToArray());
        var port = FreePort.Next();
        var listener = await elb.CreateListenerAsync(await elb.CreateLoadBalancerAsync(name), port, tg);
        await WaitUntilAsync(async () => (await TryGetAsync(port, "/")) is not null, "the listener to accept connections");
        return (elb, tg, listener, port);
    }

    private async Task<string?> TryGetAsync(int port, string path)
    {
        try
        {
            return await GetAsync(port, path);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task<string> GetAsync(int port, string path, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        if (host is not null)
        {
            request.Headers.Host = host;
        }
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Requests_are_spread_round_robin_over_the_targets()
    {
        var a = await BackendAsync("a");
        var b = await BackendAsync("b");
        var (elb, tg, _, port) = await BalanceAsync("round-robin", [a, b]);
        // Both healthy first: while one target is still initial and the other healthy, the healthy one takes every request.
        await WaitUntilAsync(async () => (await elb.HealthAsync(tg)).Values.All(h => h.State == "healthy"), "both targets to turn healthy");

        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add((await GetAsync(port, "/")).Split(' ')[0]);
        }
        Assert.Equal(3, answers.Count(x => x == "a"));
        Assert.Equal(3, answers.Count(x => x == "b"));
        Assert.All(answers.Zip(answers.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task A_target_failing_its_health_checks_is_taken_out_of_rotation()
    {
        var good = await BackendAsync("good");
        var bad = await BackendAsync("bad");
        bad.HealthStatus = 503;
        var (elb, tg, _, port) = await BalanceAsync("health", [good, bad]);

        // Each target's checks run on their own schedule: under load the failing one can turn unhealthy before the other's first check passes.
        await WaitUntilAsync(async () => await elb.HealthAsync(tg) is var states && states[bad.Port].State == "unhealthy" && states[good.Port].State == "healthy",
            "the failing target to turn unhealthy and the other healthy");
        var health = await elb.HealthAsync(tg);
        Assert.Equal(("healthy", null), health[good.Port]);
        Assert.Equal(("unhealthy", "Target.ResponseCodeMismatch"), health[bad.Port]);
        for (var i = 0; i < 6; i++)
        {
            Assert.StartsWith("good", await GetAsync(port, "/"));
        }
    }

    [Fact]
    public async Task Deregistration_lets_a_request_in_flight_finish_while_new_ones_go_elsewhere()
    {
        var leaving = await BackendAsync("leaving");
        var staying = await BackendAsync("staying");
        var (elb, tg, _, port) = await BalanceAsync("draining", [leaving, staying]);
        await elb.OkAsync("ModifyTargetGroupAttributes", ("TargetGroupArn", tg),
            ("Attributes.member.1.Key", "deregistration_delay.timeout_seconds"), ("Attributes.member.1.Value", "3"));
        await WaitUntilAsync(async () => (await elb.HealthAsync(tg)).Values.All(h => h.State == "healthy"), "both targets to turn healthy");

        // Round robin alternates, so one of two slow requests lands on the leaving target.
        var first = GetAsync(port, "/slow");
        var second = GetAsync(port, "/slow");
        await leaving.SlowStarted.WaitAsync(TimeSpan.FromSeconds(10));
        await elb.DeregisterAsync(tg, leaving.Port);
        Assert.Equal(("draining", "Target.DeregistrationInProgress"), (await elb.HealthAsync(tg))[leaving.Port]);

        await WaitUntilAsync(async () =>
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => GetAsync(port, "/")));
            return answers.All(x => x.StartsWith("staying", StringComparison.Ordinal));
        }, "new requests to avoid the draining target", seconds: 3);
        leaving.ReleaseSlow();
        staying.ReleaseSlow();
        Assert.Equal(["leaving slow", "staying slow"], (await Task.WhenAll(first, second)).Order());

        await WaitUntilAsync(async () => !(await elb.HealthAsync(tg)).ContainsKey(leaving.Port), "draining to end after the delay", seconds: 10);
        Assert.Equal(("unused", "Target.NotRegistered"), (await elb.HealthAsync(tg, leaving.Port))[leaving.Port]);
    }

    /// <summary>Sends <paramref name="count"/> requests one after the other; the answers' statuses and first words (the backend's name).</summary>
    private async Task<List<(HttpStatusCode Status, string Backend)>> SendAsync(int port, int count)
    {
        var answers = new List<(HttpStatusCode, string)>();
        for (var i = 0; i < count; i++)
        {
            using var response = await _http.GetAsync($"http://127.0.0.1:{port}/");
            answers.Add((response.StatusCode, (await response.Content.ReadAsStringAsync()).Split(' ')[0]));
        }
        return answers;
    }

    [Fact]
    public async Task With_every_target_unhealthy_requests_fail_open_to_all_of_them()
    {
        var a = await BackendAsync("a");
        var b = await BackendAsync("b");
        a.HealthStatus = b.HealthStatus = 503;
        var (elb, tg, _, port) = await BalanceAsync("fail-open", [a, b]);
        await WaitUntilAsync(async () => (await elb.HealthAsync(tg)).Values.All(h => h.State == "unhealthy"), "both targets to turn unhealthy");

        var answers = await SendAsync(port, 4);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.Equal(["a", "b"], answers.Select(x => x.Backend).Distinct().Order());
    }

    [Fact]
    public async Task With_no_target_healthy_yet_requests_go_to_those_that_passed_their_latest_check()
    {
        var passing = await BackendAsync("passing");
        var failing = await BackendAsync("failing");
        failing.HealthStatus = 503;
        // A 60 s interval: one active check each during the test, which leaves both initial (healthy after 2).
        var (elb, tg, _, port) = await BalanceAsync("fail-open-passing", [passing, failing], ("HealthCheckIntervalSeconds", "60"), ("HealthCheckTimeoutSeconds", "5"));
        await WaitUntilAsync(() => Task.FromResult(passing.HealthChecks > 0 && failing.HealthChecks > 0), "the first active checks");
        Assert.All((await elb.HealthAsync(tg)).Values, h => Assert.Equal("initial", h.State));

        var answers = await SendAsync(port, 4);

        Assert.Equal(Enumerable.Repeat((HttpStatusCode.OK, "passing"), 4), answers);
    }

    [Fact]
    public async Task A_target_that_refuses_a_proxied_request_takes_no_more_before_its_next_active_check()
    {
        var live = await BackendAsync("live");
        var dead = await BackendAsync("dead");
        // A 60 s interval: only the first active check runs during the test, so what follows is passive detection.
        var (_, _, _, port) = await BalanceAsync("passive", [live, dead], ("HealthCheckIntervalSeconds", "60"), ("HealthCheckTimeoutSeconds", "5"));
        await WaitUntilAsync(() => Task.FromResult(live.HealthChecks > 0 && dead.HealthChecks > 0), "the first active checks");
        await dead.DisposeAsync();

        // No target is healthy yet and both passed their check, so ELB fails open to both: round robin sends one of
        // the first two requests to the dead target, whose failure leaves the live one as the only target that answered.
        var answers = await SendAsync(port, 6);

        Assert.Equal(HttpStatusCode.BadGateway, Assert.Single(answers, a => a.Status != HttpStatusCode.OK).Status);
        Assert.All(answers.Skip(2), answer => Assert.Equal((HttpStatusCode.OK, "live"), answer));
    }

    [Fact]
    public async Task Path_pattern_and_host_header_rules_pick_the_target_group()
    {
        var web = await BackendAsync("web");
        var api = await BackendAsync("api");
        var admin = await BackendAsync("admin");
        var (elb, _, listener, port) = await BalanceAsync("routing", [web]);
        var apiGroup = await elb.CreateTargetGroupAsync("routing-api");
        await elb.RegisterAsync(apiGroup, api.Port);
        var adminGroup = await elb.CreateTargetGroupAsync("routing-admin");
        await elb.RegisterAsync(adminGroup, admin.Port);
        await elb.OkAsync("CreateRule", ("ListenerArn", listener), ("Priority", "5"),
            ("Conditions.member.1.Field", "path-pattern"), ("Conditions.member.1.PathPatternConfig.Values.member.1", "/api/*"),
            ("Actions.member.1.Type", "forward"), ("Actions.member.1.TargetGroupArn", apiGroup));
        await elb.OkAsync("CreateRule", ("ListenerArn", listener), ("Priority", "6"),
            ("Conditions.member.1.Field", "host-header"), ("Conditions.member.1.Values.member.1", "admin.*"),
            ("Actions.member.1.Type", "forward"), ("Actions.member.1.TargetGroupArn", adminGroup));

        // Each rule reaches the data plane with its own configuration update: wait for the later one, which a loaded
        // machine can apply after the first has been seen.
        await WaitUntilAsync(async () => (await GetAsync(port, "/", host: "admin.example.com")).StartsWith("admin", StringComparison.Ordinal),
            "the rules to take effect");
        Assert.Equal("api /api/orders", await GetAsync(port, "/api/orders"));
        Assert.Equal("web /apidocs", await GetAsync(port, "/apidocs"));
        Assert.Equal("admin /", await GetAsync(port, "/", host: "admin.example.com"));
        Assert.Equal("web /", await GetAsync(port, "/", host: "www.example.com"));
    }

    [Fact]
    public async Task Listeners_speak_http2_with_prior_knowledge_as_well_as_http11()
    {
        var backend = await BackendAsync("h2");
        var (_, _, _, port) = await BalanceAsync("http2", [backend]);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/x")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await _http.SendAsync(request);
        Assert.Equal((HttpVersion.Version20, HttpStatusCode.OK), (response.Version, response.StatusCode));
        Assert.Equal("h2 /x", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_target_group_without_targets_answers_503()
    {
        var elb = server.NewElbClient();
        var tg = await elb.CreateTargetGroupAsync("empty");
        var port = FreePort.Next();
        await elb.CreateListenerAsync(await elb.CreateLoadBalancerAsync("empty"), port, tg);
        await WaitUntilAsync(async () =>
        {
            try
            {
                using var response = await _http.GetAsync($"http://127.0.0.1:{port}/");
                return response.StatusCode == HttpStatusCode.ServiceUnavailable;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the listener to answer 503");
    }

    [Fact]
    public async Task Every_answered_request_is_counted_in_the_load_balancers_metrics()
    {
        var backend = await BackendAsync("metered");
        var (elb, _, _, port) = await BalanceAsync("metered", [backend]);
        var loadBalancerArn = (await elb.OkAsync("DescribeLoadBalancers", ("Names.member.1", "metered")))
            .Descendants().First(e => e.Name.LocalName == "LoadBalancerArn").Value;
        for (var i = 0; i < 4; i++)
        {
            await GetAsync(port, $"/page/{i}");
        }

        // BalanceAsync's wait got one answer through the listener before these four.
        var counted = await Eventually.ReadAsync(() => CountedAsync(loadBalancerArn, "RequestCount"), n => n >= 5);
        var fromTargets = await CountedAsync(loadBalancerArn, "HTTPCode_Target_2XX_Count");

        Assert.Equal(5, counted);
        Assert.Equal(5, fromTargets);
    }

    /// <summary>
    /// A load balancer's count of a metric so far: what the publisher already wrote to the metric store plus what is
    /// still buffered (drained here, whole, so that no minute boundary during the test splits the count unseen).
    /// </summary>
    private async Task<double> CountedAsync(string loadBalancerArn, string metricName)
    {
        _drained.AddRange(server.Services.GetRequiredService<LoadBalancerTraffic>().Drain(DateTimeOffset.MaxValue, new Dictionary<string, TargetGroupHealth>()));
        var series = new MetricSeries(LoadBalancerMetrics.Namespace, metricName,
            [KeyValuePair.Create("LoadBalancer", LoadBalancerMetrics.LoadBalancerDimension(loadBalancerArn))]);
        var now = DateTimeOffset.UtcNow;
        var stored = await server.Services.GetRequiredService<IMetricStore>().ReadAsync(MetricScopes.OfArn(loadBalancerArn), series,
            now.AddMinutes(-10), now.AddMinutes(1), CancellationToken.None);
        return (stored?.Points.Sum(p => p.Value.Sum) ?? 0) + _drained.Where(p => p.Point.Series == series).Sum(p => p.Point.Value.Sum);
    }
}
