using Berth.Core.Agent;

namespace Berth.Control.Agents;

/// <summary>One exec session: what runs where, who asked, and the token that authorizes its stream.</summary>
public sealed class ExecSession(ExecSessionAssignment assignment, string containerInstanceArn, string principalArn, string token, DateTimeOffset expiresAt)
{
    internal int AgentJoinedFlag;
    internal int ClientJoinedFlag;

    public ExecSessionAssignment Assignment { get; } = assignment;
    public string ContainerInstanceArn { get; } = containerInstanceArn;
    public string PrincipalArn { get; } = principalArn;
    public string Token { get; } = token;
    public DateTimeOffset ExpiresAt { get; } = expiresAt;
    public bool AgentJoined => Volatile.Read(ref AgentJoinedFlag) == 1;
    public bool ClientJoined => Volatile.Read(ref ClientJoinedFlag) == 1;

    internal bool TryJoin(ref int flag) => Interlocked.Exchange(ref flag, 1) == 0;
}
