using System.Text.Json;

namespace Berth.Agent.State;

/// <summary>
/// The access key the agent got when it joined, with the container instance it belongs to, in <c>identity.json</c>
/// of the data directory (mode 0600, as ssh keeps its keys): a restart re-registers as that instance, signing with
/// it, instead of joining again.
/// </summary>
internal static class AgentKeyFile
{
    public const string FileName = "identity.json";

    public static AgentKeyFileContents? Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), AgentKeyFileJsonContext.Default.AgentKeyFileContents);
        }
        catch (JsonException)
        {
            // A damaged file is as good as none: the agent joins again (the old key dies with its instance).
            return null;
        }
    }

    /// <summary>Replaces the file atomically, readable by the agent's user only from its first byte.</summary>
    public static void Write(string dataDirectory, AgentKeyFileContents contents)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, contents, AgentKeyFileJsonContext.Default.AgentKeyFileContents);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static void Delete(string dataDirectory) => File.Delete(Path.Combine(dataDirectory, FileName));
}
