using Berth.Api.Protocol;
using Berth.Server;
using Microsoft.AspNetCore.Builder;

namespace Berth.Cli.Tests;

/// <summary>
/// The variables these tests set are the whole process's: no other test may parse flags (whose defaults read them)
/// meanwhile.
/// </summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>
/// <c>berth cost</c> against a real server started with <c>--auth sigv4</c>: answered with the root user's key in the
/// environment, refused without one. No Docker: the cost report reads only the server's own store.
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class SignedCommandTests : IAsyncLifetime
{
    private static readonly string[] KeyVariables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-cli-{Guid.NewGuid():N}");
    private readonly Dictionary<string, string?> _saved = KeyVariables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private WebApplication? _server;

    public async Task InitializeAsync()
    {
        _server = await BerthServer.BuildAsync(new ServerOptions { Port = 0, DataDirectory = _dataDirectory, Api = new ApiOptions { Auth = AuthMode.SigV4 } },
            CancellationToken.None);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Berth_cost_is_answered_signed_with_the_root_key_and_refused_unsigned()
    {
        var root = (await BerthServer.RootKeyAsync(_server!, CancellationToken.None))!;

        SetKey(null, null);
        Assert.Equal(1, await CostAsync());
        SetKey(root.AccessKeyId, root.NewSecretAccessKey);
        Assert.Equal(0, await CostAsync());
        SetKey(root.AccessKeyId, "not-the-secret");
        Assert.Equal(1, await CostAsync());
    }

    private Task<int> CostAsync() => CostCommands.Cost().Parse(["--endpoint-url", BerthServer.EndpointOf(_server!).ToString()]).InvokeAsync();

    private static void SetKey(string? accessKeyId, string? secret)
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", accessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", secret);
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
    }
}
