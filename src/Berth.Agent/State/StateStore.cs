using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.State;

/// <summary>
/// Holds the state document in memory and writes it to <c>agent-state.json</c> in the background after each
/// change: atomically (temp file, fsync, rename), so a crash leaves either the old or the new file, never half
/// of one. Bursts of changes coalesce into one write.
/// </summary>
internal sealed partial class StateStore
{
    public const string FileName = "agent-state.json";

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private AgentStateDocument _document;
    private long _changes;
    private long _written;

    private StateStore(string path, AgentStateDocument document, ILogger logger)
    {
        _path = path;
        _document = document;
        _logger = logger;
    }

    /// <summary>Reads the state file, or starts a new instance identity when there is none (or it is unreadable).</summary>
    public static StateStore Open(string directory, ILogger<StateStore> logger)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        AgentStateDocument? document = null;
        if (File.Exists(path))
        {
            try
            {
                document = JsonSerializer.Deserialize(File.ReadAllBytes(path), AgentStateContract.Document);
            }
            catch (JsonException e)
            {
                var aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMddHHmmss}";
                File.Move(path, aside, overwrite: true);
                LogCorrupt(logger, e, path, aside);
            }
        }
        document ??= new AgentStateDocument { InstanceId = NewInstanceId() };
        return new StateStore(path, document, logger);
    }

    /// <summary>An EC2-style instance id: "i-" and 17 hex digits.</summary>
    public static string NewInstanceId() => "i-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9))[..17];

    public string FilePath => _path;

    public AgentStateDocument Snapshot()
    {
        lock (_gate)
        {
            return _document with
            {
                Tasks = new Dictionary<string, TaskRecord>(_document.Tasks, StringComparer.Ordinal),
                FinishedTasks = new Dictionary<string, DateTimeOffset>(_document.FinishedTasks, StringComparer.Ordinal),
            };
        }
    }

    public void SetRegistration(string containerInstanceArn, string cluster) =>
        Change(d => _document = d with { ContainerInstanceArn = containerInstanceArn, Cluster = cluster });

    public void PutTask(string taskArn, TaskRecord record) => Change(d => d.Tasks[taskArn] = record);

    /// <summary>The task is done with on this instance: forget it, but remember that it must not run again.</summary>
    public void FinishTask(string taskArn, DateTimeOffset now) => Change(d =>
    {
        d.Tasks.Remove(taskArn);
        d.FinishedTasks[taskArn] = now;
        foreach (var (arn, at) in d.FinishedTasks.ToList())
        {
            if (now - at > TimeSpan.FromDays(1))
            {
                d.FinishedTasks.Remove(arn);
            }
        }
    });

    public bool IsFinished(string taskArn)
    {
        lock (_gate)
        {
            return _document.FinishedTasks.ContainsKey(taskArn);
        }
    }

    private void Change(Action<AgentStateDocument> change)
    {
        lock (_gate)
        {
            change(_document);
            _changes++;
        }
        _dirty.Writer.TryWrite(true);
    }

    /// <summary>Writes after each change until cancelled; a failed write is logged and retried.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _dirty.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _dirty.Reader.TryRead(out _);
                try
                {
                    await FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    LogWriteFailed(_logger, e, _path);
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    _dirty.Writer.TryWrite(true);
                }
                catch (UnauthorizedAccessException e)
                {
                    LogWriteFailed(_logger, e, _path);
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    _dirty.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes the current document now, unless it is already on disk.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] bytes;
            long changes;
            lock (_gate)
            {
                changes = _changes;
                if (changes == _written && File.Exists(_path))
                {
                    return;
                }
                bytes = JsonSerializer.SerializeToUtf8Bytes(_document, AgentStateContract.Document);
            }
            var temp = _path + ".tmp";
            var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, _path, overwrite: true);
            _written = changes;
        }
        finally
        {
            _writing.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "State file {Path} is unreadable; moved to {Aside} and starting as a new instance")]
    private static partial void LogCorrupt(ILogger logger, Exception exception, string path, string aside);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the state file {Path}; retrying")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string path);
}
