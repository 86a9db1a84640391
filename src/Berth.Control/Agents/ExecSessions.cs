using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Berth.Core.Agent;

namespace Berth.Control.Agents;

/// <summary>
/// ECS Exec sessions that ExecuteCommand opened and nobody has finished yet. A session is short-lived and single-use:
/// its agent and its client (<c>berth exec</c>, with the session's token) must each join it once within
/// <see cref="JoinWithin"/>. Sessions are kept in the memory of the server that opened them, as is the relay that joins
/// the two sockets (Berth.Api/Agent/ExecRelay); with several servers, the client and the agent must reach that server.
/// </summary>
public sealed class ExecSessions(AssignmentSignals signals, TimeProvider time)
{
    /// <summary>How long a session waits for its agent and its client to join.</summary>
    public static readonly TimeSpan JoinWithin = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, ExecSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Opens a session for <paramref name="assignment"/> and wakes the long-poll of the task's instance, which hands it to the agent.</summary>
    public ExecSession Open(string containerInstanceArn, ExecSessionAssignment assignment, string principalArn)
    {
        Sweep();
        var session = new ExecSession(assignment, containerInstanceArn, principalArn,
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), time.GetUtcNow() + JoinWithin);
        _sessions[assignment.SessionId] = session;
        signals.Notify(containerInstanceArn);
        return session;
    }

    /// <summary>The sessions the agent of <paramref name="containerInstanceArn"/> has not joined yet; null when there are none.</summary>
    /// <remarks>
    /// Every long poll asks on every wake, and there is almost never a session: so no snapshot of the sessions
    /// (<c>Values</c> copies them) and no list unless one is pending.
    /// </remarks>
    public IReadOnlyList<ExecSessionAssignment>? PendingFor(string containerInstanceArn)
    {
        if (_sessions.IsEmpty)
        {
            return null;
        }
        var now = time.GetUtcNow();
        List<ExecSessionAssignment>? pending = null;
        foreach (var (_, session) in _sessions)
        {
            if (session.ContainerInstanceArn == containerInstanceArn && !session.AgentJoined && session.ExpiresAt > now)
            {
                (pending ??= []).Add(session.Assignment);
            }
        }
        return pending;
    }

    /// <summary>The session, for its agent's first join; null when it is unknown, expired or already joined.</summary>
    public ExecSession? JoinAsAgent(string sessionId) =>
        _sessions.TryGetValue(sessionId, out var session) && session.ExpiresAt > time.GetUtcNow() && session.TryJoin(ref session.AgentJoinedFlag) ? session : null;

    /// <summary>The session, for a client holding its token, once; null when the token is wrong or the session unknown, expired or used.</summary>
    public ExecSession? JoinAsClient(string sessionId, string? token) =>
        _sessions.TryGetValue(sessionId, out var session) && token is not null && session.ExpiresAt > time.GetUtcNow()
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(session.Token))
            && session.TryJoin(ref session.ClientJoinedFlag) ? session : null;

    /// <summary>Forgets a session whose relay ended.</summary>
    public void Close(string sessionId) => _sessions.TryRemove(sessionId, out _);

    /// <summary>Drops sessions nobody joined in time (a client that never came, an agent that was gone).</summary>
    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (id, session) in _sessions)
        {
            if (session.ExpiresAt <= now && !(session.AgentJoined && session.ClientJoined))
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }
}
