using Berth.Agent.ControlPlane;
using Berth.Agent.Logs;
using Berth.Core.Logs;

namespace Berth.Agent.Tests.Support;

/// <summary>An in-memory CloudWatch Logs for the agent's shipper: groups, streams and the events it acknowledged.</summary>
internal sealed class FakeLogsClient : ILogsClient
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<InputLogEvent>> _streams = new(StringComparer.Ordinal);

    private readonly List<(string Operation, string Stream, string? AccessKeyId)> _calls = [];

    /// <summary>While positive, each PutLogEvents fails as if the server were down (and counts down).</summary>
    public int FailPuts { get; set; }

    /// <summary>A key whose CreateLogStream and PutLogEvents are refused, as for an execution role without logs permissions.</summary>
    public string? DeniedKey { get; set; }

    /// <summary>Every CreateLogStream and PutLogEvents, with the key it was signed as (null: the agent's own).</summary>
    public IReadOnlyList<(string Operation, string Stream, string? AccessKeyId)> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public void AddGroup(string group)
    {
        lock (_gate)
        {
            _groups.Add(group);
        }
    }

    public bool HasGroup(string group)
    {
        lock (_gate)
        {
            return _groups.Contains(group);
        }
    }

    /// <summary>The messages stored in a stream, in the order they were acknowledged.</summary>
    public IReadOnlyList<string> Messages(string group, string stream)
    {
        lock (_gate)
        {
            return _streams.TryGetValue($"{group}\n{stream}", out var events) ? events.Select(e => e.Message!).ToList() : [];
        }
    }

    public Task<bool> GroupExistsAsync(LogsCaller caller, string group, CancellationToken cancellationToken) => Task.FromResult(HasGroup(group));

    public Task CreateGroupAsync(LogsCaller caller, string group, CancellationToken cancellationToken)
    {
        AddGroup(group);
        return Task.CompletedTask;
    }

    public Task CreateStreamAsync(LogsCaller caller, string group, string stream, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Record("CreateLogStream", caller, group, stream);
            if (!_groups.Contains(group))
            {
                throw new ControlPlaneException(400, "ResourceNotFoundException", "The specified log group does not exist.");
            }
            _streams.TryAdd($"{group}\n{stream}", []);
        }
        return Task.CompletedTask;
    }

    public Task PutAsync(LogsCaller caller, string group, string stream, IReadOnlyList<InputLogEvent> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Record("PutLogEvents", caller, group, stream);
            if (FailPuts > 0)
            {
                FailPuts--;
                throw new ControlPlaneException(503, "ServiceUnavailableException", "down for the test");
            }
            if (!_streams.TryGetValue($"{group}\n{stream}", out var stored))
            {
                throw new ControlPlaneException(400, "ResourceNotFoundException", "The specified log stream does not exist.");
            }
            for (var i = 1; i < events.Count; i++)
            {
                Assert.True(events[i].Timestamp >= events[i - 1].Timestamp, "a batch must be in chronological order");
            }
            stored.AddRange(events);
        }
        return Task.CompletedTask;
    }

    private void Record(string operation, LogsCaller caller, string group, string stream)
    {
        _calls.Add((operation, stream, caller.As?.AccessKeyId));
        if (caller.As?.AccessKeyId is { } key && key == DeniedKey)
        {
            throw new ControlPlaneException(400, "AccessDeniedException",
                $"User: arn:aws:sts::000000000000:assumed-role/exec/task is not authorized to perform: logs:{operation} on resource: " +
                $"arn:aws:logs:us-east-1:000000000000:log-group:{group}:log-stream:{stream}");
        }
    }
}
