using System.Diagnostics;
using Berth.Core.Agent;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Agent.Tests.Support;

/// <summary>
/// The real Docker engine the integration tests run against. The first test to need it makes sure dockerd
/// answers and the sample images exist, running the repository's own set-up scripts when they do not.
/// </summary>
public static class DockerEnvironment
{
    private static readonly Lazy<Task> Ready = new(PrepareAsync);

    public static DockerClient Client { get; } = new DockerClientBuilder().WithEndpoint(new Uri("unix:///var/run/docker.sock")).Build();

    public static Task EnsureReadyAsync() => Ready.Value;

    private static async Task PrepareAsync()
    {
        var root = RepositoryRoot();
        try
        {
            await Client.System.PingAsync();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await RunAsync("bash", Path.Combine(root, "eng", "setup-docker.sh"));
        }
        var images = await Client.Images.ListImagesAsync(new ImagesListParameters { All = true });
        var tags = images.SelectMany(i => i.RepoTags ?? []).ToHashSet();
        if (!tags.Contains(TestTasks.WebImage) || !tags.Contains(TestTasks.ToolsImage) || !tags.Contains(TestTasks.PauseImage))
        {
            await RunAsync("bash", Path.Combine(root, "eng", "build-sample-images.sh"));
        }
    }

    /// <summary>Force-removes every container and volume of one agent namespace (test cleanup).</summary>
    public static async Task RemoveNamespaceAsync(string agentNamespace)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.AgentNamespace}={agentNamespace}"] = true },
        };
        foreach (var container in await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }))
        {
            try
            {
                await Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
            }
            catch (DockerContainerNotFoundException)
            {
            }
        }
        var volumes = await Client.Volumes.ListAsync(new VolumesListParameters { Filters = filter });
        foreach (var volume in volumes.Volumes ?? [])
        {
            try
            {
                await Client.Volumes.RemoveAsync(volume.Name, force: true);
            }
            catch (DockerApiException)
            {
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Berth.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (Berth.slnx) above " + AppContext.BaseDirectory);
    }

    private static async Task RunAsync(string file, string argument)
    {
        using var process = Process.Start(new ProcessStartInfo(file, argument) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"Cannot start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{argument} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }
}
