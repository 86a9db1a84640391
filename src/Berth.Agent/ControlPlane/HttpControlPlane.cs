using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.State;

namespace Berth.Agent.ControlPlane;

/// <summary>
/// The control plane over HTTP: RegisterContainerInstance through the ECS JSON 1.1 API (<c>POST /</c> with
/// <c>X-Amz-Target</c>), poll and report through the agent protocol's endpoints on the same port; each request
/// signed with the agent's credentials when it has some (<see cref="SigV4SigningHandler"/>), over TLS to an https://
/// server, whose certificate is verified (<see cref="ServerTrust"/>).
/// </summary>
internal sealed partial class HttpControlPlane : IControlPlane, IDisposable
{
    private const string AmzJson = "application/x-amz-json-1.1";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly HttpMessageInvoker _webSockets;
    private volatile AgentCredentials? _credentials;

    public HttpControlPlane(AgentOptions options, TimeProvider time)
    {
        var transport = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        ServerTrust.Apply(transport, options.CaCertificatePath);
        _credentials = options.Credentials;
        var signing = new SigV4SigningHandler(() => _credentials, options.Region, time) { InnerHandler = transport };
        _http = new HttpClient(new ServerFailover(options.ServerUrls) { InnerHandler = signing })
        {
            BaseAddress = options.ServerUrl ?? throw new ArgumentException("The HTTP control plane needs AgentOptions.ServerUrl.", nameof(options)),
            // Each call sets its own limit: a long poll legitimately waits longer than a report.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("berth-agent", typeof(HttpControlPlane).Assembly.GetName().Version?.ToString() ?? "0"));
        // A connection of its own per socket: an exec stream must not hold a pooled connection polls and reports need.
        var upgrades = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        ServerTrust.Apply(upgrades, options.CaCertificatePath);
        _webSockets = new HttpMessageInvoker(new EcsSigningScope
        {
            InnerHandler = new SigV4SigningHandler(() => _credentials, options.Region, time) { InnerHandler = upgrades },
        });
    }

    public Task<RegisterContainerInstanceResponse> RegisterAsync(RegisterContainerInstanceRequest request, CancellationToken cancellationToken)
    {
        var content = JsonContent(request, EcsJsonContext.Default.RegisterContainerInstanceRequest, AmzJson);
        return SendAsync(new Uri("/", UriKind.Relative), content, EcsJsonContext.Default.RegisterContainerInstanceResponse, RequestTimeout,
            SigningScope.Ecs, headers => headers.Add("X-Amz-Target", $"{EcsOperations.TargetPrefix}.RegisterContainerInstance"), cancellationToken);
    }

    public Task<AgentJoinResponse> JoinAsync(AgentJoinRequest request, CancellationToken cancellationToken) =>
        SendAsync(new Uri("/_berth/agent/v1/join", UriKind.Relative), JsonContent(request, StateJsonContext.Default.AgentJoinRequest, "application/json"),
            StateJsonContext.Default.AgentJoinResponse, RequestTimeout, SigningScope.Ecs, null, cancellationToken);

    public void UseCredentials(AgentCredentials? credentials) => _credentials = credentials;

    public Task CreateClusterAsync(string clusterName, CancellationToken cancellationToken)
    {
        var content = JsonContent(new CreateClusterRequest { ClusterName = clusterName }, EcsJsonContext.Default.CreateClusterRequest, AmzJson);
        return SendAsync(new Uri("/", UriKind.Relative), content, EcsJsonContext.Default.CreateClusterResponse, RequestTimeout,
            SigningScope.Ecs, headers => headers.Add("X-Amz-Target", $"{EcsOperations.TargetPrefix}.CreateCluster"), cancellationToken);
    }

    public Task<AgentPollResponse> PollAsync(AgentPollRequest request, CancellationToken cancellationToken)
    {
        var content = JsonContent(request, StateJsonContext.Default.AgentPollRequest, "application/json");
        return SendAsync(new Uri("/_berth/agent/v1/poll", UriKind.Relative), content, StateJsonContext.Default.AgentPollResponse,
            TimeSpan.FromSeconds(request.WaitSeconds) + RequestTimeout, SigningScope.Ecs, null, cancellationToken);
    }

    public async Task<WebSocket> OpenExecAsync(string sessionId, CancellationToken cancellationToken)
    {
        var server = new UriBuilder(new Uri(_http.BaseAddress!, $"/_berth/agent/v1/exec/{Uri.EscapeDataString(sessionId)}"));
        server.Scheme = server.Scheme == Uri.UriSchemeHttps ? Uri.UriSchemeWss : Uri.UriSchemeWs;
        var socket = new ClientWebSocket();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RequestTimeout);
            await socket.ConnectAsync(server.Uri, _webSockets, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<IReadOnlyList<AgentTaskReportResult>> ReportAllAsync(IReadOnlyList<AgentTaskReport> reports, CancellationToken cancellationToken)
    {
        var content = JsonContent(new AgentTaskReportBatch { Reports = reports }, StateJsonContext.Default.AgentTaskReportBatch, "application/json");
        var answer = await SendAsync(new Uri("/_berth/agent/v1/reports", UriKind.Relative), content, StateJsonContext.Default.AgentTaskReportBatchResponse,
            RequestTimeout, SigningScope.Ecs, null, cancellationToken).ConfigureAwait(false);
        return answer.Results;
    }

    public Task ReportStatsAsync(AgentStatsReport report, CancellationToken cancellationToken) =>
        PostAsync("/_berth/agent/v1/stats", JsonContent(report, StateJsonContext.Default.AgentStatsReport, "application/json"), cancellationToken);

    private async Task PostAsync(string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        message.Options.Set(SigningScope.Key, SigningScope.Ecs);
        using var response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorOfAsync(response, timeout.Token).ConfigureAwait(false);
        }
    }

    private async Task<T> SendAsync<T>(Uri path, HttpContent content, JsonTypeInfo<T> responseType, TimeSpan limit,
        SigningScope scope, Action<HttpRequestHeaders>? headers, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        message.Options.Set(SigningScope.Key, scope);
        headers?.Invoke(message.Headers);
        using var response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorOfAsync(response, timeout.Token).ConfigureAwait(false);
        }
        var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, responseType, timeout.Token).ConfigureAwait(false)
                ?? throw new ControlPlaneException((int)response.StatusCode, "SerializationException", $"Empty answer from {path}.");
        }
    }

    private static ByteArrayContent JsonContent<T>(T value, JsonTypeInfo<T> type, string mediaType)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    /// <summary>Reads the AWS-style error body (<c>{"__type": …, "message": …}</c>) when there is one.</summary>
    private static async Task<ControlPlaneException> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var code = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null;
        var text = body.Length > 500 ? body[..500] : body;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("__type", out var type) && type.ValueKind == JsonValueKind.String)
                {
                    code = type.GetString();
                }
                if (json.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    text = m.GetString() ?? text;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, an empty body): keep the raw text.
        }
        code = ShortErrorCode(code) ?? $"Http{status}";
        return new ControlPlaneException(status, code, $"{status} {code}: {text}", text);
    }

    /// <summary>"aws.protocoltests#Name:http://…" → "Name", as botocore reads error codes.</summary>
    private static string? ShortErrorCode(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }
        code = code[(code.LastIndexOf('#') + 1)..];
        return code.Length > 0 ? code : null;
    }

    public void Dispose()
    {
        _http.Dispose();
        _webSockets.Dispose();
    }
}
