using System.Net;
using System.Text;
using Berth.Api.Protocol;
using Berth.Api.Tests.Elb;
using Berth.Core.Identity.Signing;

namespace Berth.Api.Tests.Identity;

/// <summary>A server started with <c>--auth sigv4</c>: its root key, and AWS's refusals in every protocol it serves.</summary>
public sealed class SigV4AuthenticationTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-auth-{Guid.NewGuid():N}");
    private RunningServer? _server;
    private Control.Identity.RootKey? _root;

    private RunningServer Server => _server!;

    private static ApiOptions SigV4 => new() { Auth = AuthMode.SigV4 };

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync(_dataDirectory, SigV4);
        _root = await Server.RootKeyAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private string RootSecret => _root!.NewSecretAccessKey!;

    private EcsClient Ecs(string accessKeyId, string secret, TimeSpan offset = default) =>
        new(Server.NewHttp(new SigningHandler(accessKeyId, new SigningCredential(secret)) { ClockOffset = offset }), "us-east-1");

    private EcsClient Root => Ecs(_root!.AccessKeyId, RootSecret);

    [Fact]
    public async Task The_first_start_makes_a_root_key_whose_secret_is_shown_once_and_stored_encrypted()
    {
        Assert.Matches("^AKIA[A-Z2-7]{16}$", _root!.AccessKeyId);
        Assert.Equal(40, RootSecret.Length);
        var again = await Server.RootKeyAsync();
        Assert.Equal(new Control.Identity.RootKey(_root.AccessKeyId, null), again);
        var keyFile = Path.Combine(_dataDirectory, "secret.key");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
        await _server!.DisposeAsync();
        _server = null;
        foreach (var file in Directory.GetFiles(_dataDirectory))
        {
            Assert.DoesNotContain(RootSecret, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }
        _server = await RunningServer.StartAsync(_dataDirectory, SigV4);
        Assert.Equal(new Control.Identity.RootKey(_root.AccessKeyId, null), await Server.RootKeyAsync());
        await Root.OkAsync("ListClusters", new { });
    }

    [Fact]
    public async Task A_request_signed_with_the_root_key_is_served_as_the_root_user()
    {
        var response = await Root.OkAsync("PutAccountSetting", new { name = "containerInsights", value = "enabled" });
        Assert.Equal("arn:aws:iam::000000000000:root", (string)response["setting"]!["principalArn"]!);
    }

    [Fact]
    public async Task An_unsigned_request_is_refused_with_missing_authentication_token()
    {
        var response = await Server.Client(null).SendAsync("ListClusters", new { });
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal(("MissingAuthenticationTokenException", "Missing Authentication Token"), response.Error);
        // ECS is no query-compatible service: an x-amzn-query-error header would make SDKs report the query code.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", $"{EcsClient.TargetPrefix}.ListClusters");
        using var raw = await Server.Http.SendAsync(request);
        Assert.False(raw.Headers.Contains("x-amzn-query-error"));
    }

    [Fact]
    public async Task An_unknown_key_a_forged_secret_and_a_skewed_clock_are_refused_as_aws_refuses_them()
    {
        var unknown = await Ecs("AKIAIOSFODNN7EXAMPLE", RootSecret).SendAsync("ListClusters", new { });
        Assert.Equal((HttpStatusCode.Forbidden, "UnrecognizedClientException"), (unknown.Status, unknown.Error.Type));
        var forged = await Ecs(_root!.AccessKeyId, new string('x', 40)).SendAsync("ListClusters", new { });
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidSignatureException"), (forged.Status, forged.Error.Type));
        Assert.StartsWith("The request signature we calculated does not match", forged.Error.Message);
        var skewed = await Ecs(_root.AccessKeyId, RootSecret, TimeSpan.FromMinutes(-20)).SendAsync("ListClusters", new { });
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidSignatureException"), (skewed.Status, skewed.Error.Type));
        Assert.StartsWith("Signature expired", skewed.Error.Message);
        var withinSkew = await Ecs(_root.AccessKeyId, RootSecret, TimeSpan.FromMinutes(10)).SendAsync("ListClusters", new { });
        Assert.Equal(HttpStatusCode.OK, withinSkew.Status);
    }

    [Fact]
    public async Task Query_requests_are_refused_with_the_query_codes()
    {
        using var unsigned = await Server.Http.PostAsync("/", new FormUrlEncodedContent([new("Action", "DescribeLoadBalancers"), new("Version", "2015-12-01")]));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        var error = System.Xml.Linq.XElement.Parse(await unsigned.Content.ReadAsStringAsync()).Element(ElbClient.Ns + "Error")!;
        Assert.Equal(("MissingAuthenticationToken", "Missing Authentication Token"),
            (error.Element(ElbClient.Ns + "Code")!.Value, error.Element(ElbClient.Ns + "Message")!.Value));
        var unknown = await new ElbClient(Server.NewHttp(new SigningHandler("AKIAIOSFODNN7EXAMPLE", new SigningCredential(RootSecret))), "us-east-1")
            .ErrorAsync("DescribeLoadBalancers");
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidClientTokenId"), (unknown.Status, unknown.Code));
        var forged = await new ElbClient(Server.NewHttp(new SigningHandler(_root!.AccessKeyId, new SigningCredential(new string('x', 40)))), "us-east-1")
            .ErrorAsync("DescribeLoadBalancers");
        Assert.Equal((HttpStatusCode.Forbidden, "SignatureDoesNotMatch"), (forged.Status, forged.Code));
        var signed = new ElbClient(Server.NewHttp(new SigningHandler(_root.AccessKeyId, new SigningCredential(RootSecret))), "us-east-1");
        await signed.OkAsync("DescribeLoadBalancers");
    }

    [Fact]
    public async Task A_request_signed_for_another_service_is_refused()
    {
        var http = Server.NewHttp(new SigningHandler(_root!.AccessKeyId, new SigningCredential(RootSecret)));
        var response = await new EcsClient(http, null).SendAsync("ListClusters", new { });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var logs = await new EcsClient(Server.NewHttp(new SigningHandler(_root.AccessKeyId, new SigningCredential(RootSecret), "logs")), null)
            .SendAsync("ListClusters", new { });
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidSignatureException"), (logs.Status, logs.Error.Type));
        Assert.Equal("Credential should be scoped to correct service: 'ecs'. ", logs.Error.Message);
    }

    [Theory]
    [InlineData("/_berth/agent/v1/poll")]
    [InlineData("/_berth/agent/v1/reports")]
    [InlineData("/_berth/agent/v1/stats")]
    [InlineData("/_berth/spot/v1/interrupt")]
    [InlineData("/_berth/cleanup")]
    [InlineData("/service/GraniteServiceVersion20100801/operation/ListMetrics")]
    public async Task Berths_own_routes_and_cbor_are_refused_unsigned(string path)
    {
        using var response = await Server.Http.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task The_clean_up_report_answers_the_root_user_signed_and_refuses_it_unsigned()
    {
        var http = Server.NewHttp(new SigningHandler(_root!.AccessKeyId, new SigningCredential(RootSecret)));
        using var signed = await http.GetAsync(new Uri("/_berth/cleanup", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        using var unsigned = await Server.Http.GetAsync(new Uri("/_berth/cleanup", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
    }

    [Fact]
    public async Task A_signed_agent_poll_reaches_the_agent_protocol()
    {
        var http = Server.NewHttp(new SigningHandler(_root!.AccessKeyId, new SigningCredential(RootSecret)));
        using var response = await http.PostAsync("/_berth/agent/v1/poll", new StringContent(
            """{"containerInstanceArn":"arn:aws:ecs:us-east-1:000000000000:container-instance/default/none","assignmentsVersion":0,"waitSeconds":0}""",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
    }

    [Fact]
    public async Task A_gzip_body_is_verified_as_it_was_signed_compressed()
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync("""{"maxResults":5}"""u8.ToArray());
        }
        var http = Server.NewHttp(new SigningHandler(_root!.AccessKeyId, new SigningCredential(RootSecret)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(compressed.ToArray()) };
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", $"{EcsClient.TargetPrefix}.ListClusters");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_and_metrics_stay_open()
    {
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/_berth/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/metrics")).StatusCode);
    }
}
