using Berth.Core.Arns;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Protocol;

/// <summary>
/// Builds a handler's <see cref="RequestContext"/> from an HTTP request, the same way for every protocol: the one
/// place where a request is authenticated (<see cref="ApiOptions.Auth"/>) and its caller and region are decided.
/// </summary>
public sealed class RequestContexts(ApiOptions options, RequestAuthenticator authenticator, TimeProvider time)
{
    /// <param name="body">The body as received, which the signature covers.</param>
    /// <param name="signingName">The signing name of the service the request reached, or null where the credential scope chooses it.</param>
    public async Task<RequestContext> CreateAsync(HttpRequest request, ReadOnlyMemory<byte> body, string requestId, string? signingName,
        CancellationToken cancellationToken)
    {
        if (options.Auth == AuthMode.Off)
        {
            // Every caller acts as the account's root user; the region is the signed one, as AWS takes it.
            var credential = SigV4CredentialScope.Parse(request.Headers.Authorization.ToString());
            var scope = new ResourceScope(credential?.Region ?? options.DefaultRegion, options.AccountId);
            return new RequestContext(scope, requestId, scope.RootPrincipalArn, time.GetUtcNow());
        }
        var (identity, key) = await authenticator.AuthenticateAsync(request, body, signingName, cancellationToken).ConfigureAwait(false);
        return new RequestContext(new ResourceScope(identity.Region, options.AccountId), requestId, key.PrincipalArn, time.GetUtcNow(), key.AccessKeyId);
    }
}
