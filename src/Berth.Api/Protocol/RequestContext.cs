using Berth.Core.Arns;

namespace Berth.Api.Protocol;

/// <summary>Who asked, where, and when: what every handler needs besides the request body.</summary>
public sealed record RequestContext(ResourceScope Scope, string RequestId, string PrincipalArn, DateTimeOffset Now);
