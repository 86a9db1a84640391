using Berth.Core.Arns;

namespace Berth.Api.Protocol;

/// <summary>Who asked, where, and when: what every handler needs besides the request body.</summary>
/// <param name="AccessKeyId">The key the request was signed with; null when authentication is off.</param>
public sealed record RequestContext(ResourceScope Scope, string RequestId, string PrincipalArn, DateTimeOffset Now, string? AccessKeyId = null)
{
    /// <summary>The server's base URL as the caller reached it (<c>http://host:port</c>): what DiscoverPollEndpoint answers.</summary>
    public string? Endpoint { get; init; }
}
