using Berth.Api.Protocol;
using Berth.Control.Identity;
using Berth.Core.Identity.Signing;

namespace Berth.Api.Tests.Identity;

/// <summary>
/// The setup identity tests share: each test gets a server of its own started with <c>--auth sigv4</c> on a fresh
/// data directory, and the root user's key that its first start made.
/// </summary>
public abstract class SigV4ServerTest : IAsyncLifetime
{
    protected const string Account = "000000000000";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-sigv4-{Guid.NewGuid():N}");
    private RunningServer? _server;
    private RootKey? _root;

    protected RunningServer Server => _server!;

    protected RootKey Root => _root!;

    protected SigningCredential RootCredential => new(Root.NewSecretAccessKey!);

    public virtual async Task InitializeAsync()
    {
        _server = await StartAsync();
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

    /// <summary>Stops the server and starts another on the same data directory.</summary>
    protected async Task RestartAsync()
    {
        await _server!.DisposeAsync();
        _server = await StartAsync();
    }

    /// <summary>A client signing with the given key for <paramref name="service"/> (its SigV4 signing name).</summary>
    protected HttpClient Signed(string accessKeyId, SigningCredential credential, string service) =>
        Server.NewHttp(new SigningHandler(accessKeyId, credential, service));

    protected HttpClient AsRoot(string service) => Signed(Root.AccessKeyId, RootCredential, service);

    private Task<RunningServer> StartAsync() => RunningServer.StartAsync(_dataDirectory, new ApiOptions { Auth = AuthMode.SigV4 });
}
