using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Berth.WebConsole.Tests;

/// <summary>
/// A real <c>./berth up</c> (server and local agent on Docker) on a free loopback port with its own data directory and
/// agent namespace, as tests/clients/berth_server.py starts one. Disposing kills it and removes the containers its
/// agents made (they outlive the server by design).
/// </summary>
public sealed class BerthUp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly string _agentNamespace;
    private readonly StreamWriter _log;
    private readonly HttpClient _http = new();

    private BerthUp(Process process, StreamWriter log, Uri endpoint, string dataDirectory, string agentNamespace)
    {
        _process = process;
        _log = log;
        Endpoint = endpoint;
        _dataDirectory = dataDirectory;
        _agentNamespace = agentNamespace;
    }

    public Uri Endpoint { get; }

    /// <param name="arguments"><c>up</c> (with the local agent) or <c>server</c>, and further flags.</param>
    public static async Task<BerthUp> StartAsync(params string[] arguments)
    {
        var port = FreePort();
        var dataDirectory = Directory.CreateTempSubdirectory("berth-console-test-").FullName;
        var agentNamespace = $"berth-console-test-{Environment.ProcessId}-{port}";
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, "berth"), [.. arguments, "--port", $"{port}", "--data-dir", dataDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["BERTH_AGENT_NAMESPACE"] = agentNamespace, ["BERTH_METADATA_PORT"] = "0" },
        };
        var log = new StreamWriter(Path.Combine(dataDirectory, "server.log")) { AutoFlush = true };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var berth = new BerthUp(process, log, new Uri($"http://127.0.0.1:{port}/"), dataDirectory, agentNamespace);
        // The first start may build Berth (minutes on a busy 2-core machine); a server that exits fails at once.
        if (!await Poll.UntilAsync(berth.AnswersAsync, TimeSpan.FromMinutes(10), () => process.HasExited))
        {
            var output = berth.Output();
            await berth.DisposeAsync();
            throw new InvalidOperationException($"berth up did not answer. Its output:\n{output}");
        }
        return berth;
    }

    /// <summary>One ECS call, unsigned (the server runs with --auth off), as the AWS CLI sends it.</summary>
    public async Task<JsonNode> EcsAsync(string operation, object input)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(input), Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Headers.Add("X-Amz-Target", $"AmazonEC2ContainerServiceV20141113.{operation}");
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? JsonNode.Parse(body)! : throw new InvalidOperationException($"{operation}: {body}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
        foreach (var agentNamespace in new[] { _agentNamespace, $"{_agentNamespace}-fargate" })
        {
            await RemoveContainersAsync(agentNamespace);
        }
        _http.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    public static string RepositoryRoot { get; } = FindRoot();

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(Endpoint, "_berth/health"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>
    /// The account root user's access key id and secret that a server with <c>--auth sigv4</c> prints when it makes the
    /// key on its first start (the only time the secret is shown).
    /// </summary>
    public (string AccessKeyId, string Secret) RootKey()
    {
        var values = Output().Split('\n')
            .Select(line => line.Trim().Split(" = ", 2))
            .Where(parts => parts is ["aws_access_key_id" or "aws_secret_access_key", _])
            .ToDictionary(parts => parts[0], parts => parts[1]);
        return (values["aws_access_key_id"], values["aws_secret_access_key"]);
    }

    /// <summary>The end of what the server printed, for a failure's message.</summary>
    public string Output()
    {
        lock (_log)
        {
            _log.Flush();
            using var reader = new StreamReader(new FileStream(Path.Combine(_dataDirectory, "server.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var text = reader.ReadToEnd();
            return text.Length > 6000 ? text[^6000..] : text;
        }
    }

    private static async Task RemoveContainersAsync(string agentNamespace)
    {
        var list = Process.Start(new ProcessStartInfo("docker", ["ps", "-aq", "--filter", $"label=org.berth.agent={agentNamespace}"]) { RedirectStandardOutput = true })!;
        var ids = (await list.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await list.WaitForExitAsync();
        if (ids.Length > 0)
        {
            using var remove = Process.Start(new ProcessStartInfo("docker", ["rm", "-f", .. ids]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await remove.WaitForExitAsync();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Berth.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Berth.slnx not found above the test's directory");
    }
}
