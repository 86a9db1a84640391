using Berth.Core.Arns;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Protocol;

/// <summary>Who asked, where, and when: what every handler needs besides the request body.</summary>
public sealed record RequestContext(ResourceScope Scope, string RequestId, string PrincipalArn, DateTimeOffset Now)
{
    /// <summary>
    /// The region comes from the SigV4 credential scope, as at AWS. Until IAM lands every caller acts as the
    /// account's root user, which is what ECS reports in registeredBy.
    /// </summary>
    public static RequestContext From(HttpRequest request, ApiOptions options, string requestId, TimeProvider time)
    {
        var credential = SigV4CredentialScope.Parse(request.Headers.Authorization.ToString());
        var scope = new ResourceScope(credential?.Region ?? options.DefaultRegion, options.AccountId);
        return new RequestContext(scope, requestId, scope.RootPrincipalArn, time.GetUtcNow());
    }
}
