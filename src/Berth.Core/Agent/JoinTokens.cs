using System.Text.Json.Serialization;

namespace Berth.Core.Agent;

// Join tokens (docs/security.md, "Agents"): an admin makes one for a cluster; agents exchange it once each for an
// identity of their own (AgentJoinRequest). Berth's routes, signed like the agent protocol:
//   POST /_berth/agent/v1/tokens/create   berth:CreateAgentJoinToken on the cluster
//   POST /_berth/agent/v1/tokens/list     berth:ListAgentJoinTokens on the cluster (or *, without one)
//   POST /_berth/agent/v1/tokens/revoke   berth:RevokeAgentJoinToken on the token's cluster

/// <summary>A stored join token: never the token itself, only the SHA-256 of its secret part.</summary>
/// <param name="TokenId">The token's public part, which list and revoke name.</param>
/// <param name="ClusterArn">The only cluster agents may join with it.</param>
/// <param name="SecretHash">Lower-case hex SHA-256 of the secret part.</param>
/// <param name="CreatedBy">The principal that made it.</param>
public sealed record AgentJoinTokenRecord(string TokenId, string ClusterArn, string SecretHash, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    string CreatedBy);

public sealed record CreateJoinTokenRequest
{
    [JsonPropertyName("cluster")] public string? Cluster { get; init; }

    /// <summary>How long agents may join with it; default 24 hours, at most 30 days.</summary>
    [JsonPropertyName("expiresInSeconds")] public long? ExpiresInSeconds { get; init; }
}

public sealed record CreateJoinTokenResponse
{
    [JsonPropertyName("token")] public required JoinTokenView Token { get; init; }

    /// <summary>The token to give agents (<c>--join-token</c>); shown in this answer only.</summary>
    [JsonPropertyName("joinToken")] public required string JoinToken { get; init; }

    public override string ToString() => $"{nameof(CreateJoinTokenResponse)} {{ Token = {Token} }}";
}

public sealed record ListJoinTokensRequest
{
    /// <summary>Only this cluster's tokens; null: every cluster's.</summary>
    [JsonPropertyName("cluster")] public string? Cluster { get; init; }
}

public sealed record ListJoinTokensResponse
{
    [JsonPropertyName("tokens")] public required IReadOnlyList<JoinTokenView> Tokens { get; init; }
}

public sealed record RevokeJoinTokenRequest
{
    [JsonPropertyName("tokenId")] public string? TokenId { get; init; }
}

/// <summary>A join token as list and create show it: everything but the secret.</summary>
public sealed record JoinTokenView
{
    [JsonPropertyName("tokenId")] public required string TokenId { get; init; }
    [JsonPropertyName("clusterArn")] public required string ClusterArn { get; init; }
    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("expiresAt")] public required DateTimeOffset ExpiresAt { get; init; }
    [JsonPropertyName("createdBy")] public required string CreatedBy { get; init; }

    public static JoinTokenView Of(AgentJoinTokenRecord token) => new()
    {
        TokenId = token.TokenId,
        ClusterArn = token.ClusterArn,
        CreatedAt = token.CreatedAt,
        ExpiresAt = token.ExpiresAt,
        CreatedBy = token.CreatedBy,
    };
}
