using Berth.Core.Agent;
using Berth.Core.State;

namespace Berth.Store;

/// <summary>How agent join tokens are addressed: account-wide, as identity is (<see cref="IdentityRecords.AccountScope"/>).</summary>
public static class AgentRecords
{
    /// <summary>Id: the token id; scope: <see cref="IdentityRecords.AccountScope"/>; sort key: the cluster ARN and token id, so a cluster's tokens are adjacent.</summary>
    public static readonly RecordType<AgentJoinTokenRecord> JoinTokens = new("agent-join-token", StateJsonContext.Default);

    /// <summary>The sort-key prefix of one cluster's tokens.</summary>
    public static string ClusterTokens(string clusterArn) => $"{clusterArn} ";

    public static PutRecord PutJoinToken(string accountId, AgentJoinTokenRecord token) =>
        JoinTokens.Put(token.TokenId, IdentityRecords.AccountScope(accountId), ClusterTokens(token.ClusterArn) + token.TokenId, token, expectedVersion: 0);
}
