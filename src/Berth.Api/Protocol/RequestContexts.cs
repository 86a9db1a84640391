using Berth.Core.Arns;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Protocol;

/// <summary>Builds a handler's <see cref="RequestContext"/> from an HTTP request, the same way for every protocol.</summary>
public sealed class RequestContexts(ApiOptions options, TimeProvider time)
{
    public RequestContext Create(HttpRequest request, string requestId)
    {
        var scope = ScopeOf(request);
        // Until IAM lands every caller acts as the account's root user, which is what ECS reports in registeredBy.
        return new RequestContext(scope, requestId, scope.RootPrincipalArn, time.GetUtcNow());
    }

    private ResourceScope ScopeOf(HttpRequest request)
    {
        var credential = SigV4CredentialScope.Parse(request.Headers.Authorization.ToString());
        return new ResourceScope(credential?.Region ?? options.DefaultRegion, options.AccountId);
    }
}
