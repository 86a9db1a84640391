using Berth.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Berth.Cli.Tests;

/// <summary>
/// The server reads an optional appsettings.json once: the slim builder's default would watch the working directory
/// and every directory below it (a FileSystemWatcher, an inotify watch per directory and a thread; docs/performance.md).
/// </summary>
public sealed class ServerConfigurationTests
{
    [Fact]
    public async Task The_server_watches_no_configuration_file()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("berth-cli-").FullName;
        try
        {
            await using var server = await BerthServer.BuildAsync(new ServerOptions { Port = 0, DataDirectory = dataDirectory }, CancellationToken.None);
            var files = ((IConfigurationRoot)server.Configuration).Providers.OfType<JsonConfigurationProvider>().ToList();
            Assert.NotEmpty(files);
            Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, file.Source.Path));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
