using System.Net.Http.Headers;
using Berth.Core.Identity.Signing;

namespace Berth.Agent.ControlPlane;

/// <summary>
/// Signs each request that carries a <see cref="SigningScope"/> with the scope's own credentials (a task's execution
/// role) or else the agent's current access key (the one it joined with, then its own), as an AWS SDK does:
/// Host, Content-Type and the X-Amz-* headers, and the body's hash. Without credentials requests go unsigned (a server
/// with <c>--auth off</c>), except that a call naming its own region still states it in an unsigned credential scope,
/// which is where such a server reads the region from.
/// </summary>
internal sealed class SigV4SigningHandler(Func<AgentCredentials?> credentials, string defaultRegion, TimeProvider time) : DelegatingHandler
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(SigningScope.Key, out var scope))
        {
            if ((scope.As ?? credentials()) is { } key)
            {
                await SignAsync(request, key, scope.Service, scope.Region ?? defaultRegion, cancellationToken).ConfigureAwait(false);
            }
            else if (scope.Region is { } region)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue(Algorithm,
                    $"Credential=berth-agent/20260101/{region}/{scope.Service}/aws4_request, SignedHeaders=host, Signature=0");
            }
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task SignAsync(HttpRequestMessage request, AgentCredentials key, string service, string region, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("A request to the control plane needs an absolute URI.");
        // Sent exactly as signed: HttpClient would otherwise derive Host itself, after signing.
        request.Headers.Host = uri.Authority;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers)
        {
            headers.AddRange(values.Select(v => new KeyValuePair<string, string>(name, v)));
        }
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            headers.Add(new("Content-Type", contentType.ToString()));
        }
        var unsigned = new SigV4Request(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, SigV4Request.HashPayload(body));
        foreach (var (name, value) in SigV4Signer.Sign(unsigned, key.AccessKeyId, new SigningCredential(key.SecretAccessKey, key.SessionToken), region, service, time.GetUtcNow()))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
