using Berth.Control.Identity;
using Berth.Core.Identity.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Api.Protocol;

/// <summary>
/// Verifies a request's SigV4 signature (header or presigned query string, with X-Amz-Security-Token for temporary
/// credentials) against the keys Berth issued. Every edge calls it through <see cref="RequestContexts"/>, after
/// reading the body and before any service sees the request; a refusal is an <see cref="AuthenticationException"/>.
/// </summary>
public sealed class RequestAuthenticator(AccessKeys keys, TimeProvider time)
{
    /// <param name="signingName">The signing name of the service the request reached, or null where the scope chooses it (query).</param>
    internal async Task<(SigV4Identity Identity, AccessKeyHolder Key)> AuthenticateAsync(HttpRequest request, ReadOnlyMemory<byte> body, string? signingName,
        CancellationToken cancellationToken)
    {
        AccessKeyHolder? key = null;
        var raw = request.HttpContext.Features.Get<RawBodyHash>();
        var payloadHash = raw is null ? SigV4Request.HashPayload(body.Span) : await raw.FinishAsync(cancellationToken).ConfigureAwait(false);
        var verdict = await SigV4Verifier.VerifyAsync(SigV4RequestOf(request, raw, payloadHash), time.GetUtcNow(), signingName, async (id, ct) =>
        {
            key = await keys.FindAsync(id, ct).ConfigureAwait(false);
            return key?.Credential;
        }, cancellationToken).ConfigureAwait(false);
        return verdict.IsAccepted ? (verdict.Identity, key!) : throw new AuthenticationException(verdict.Failure);
    }

    /// <summary>The request as it arrived: path and query still percent-encoded, every header value, the body's hash as sent (<see cref="RawBodyHash"/>).</summary>
    private static SigV4Request SigV4RequestOf(HttpRequest request, RawBodyHash? compressed, string payloadHash)
    {
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            ? raw
            : request.PathBase + request.Path + request.QueryString;
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count + 1);
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(KeyValuePair.Create(name, value ?? ""));
            }
        }
        if (compressed is not null && !request.Headers.ContainsKey("Content-Encoding"))
        {
            headers.Add(KeyValuePair.Create("Content-Encoding", compressed.ContentEncoding));
        }
        return new SigV4Request(request.Method, question < 0 ? target : target[..question], question < 0 ? "" : target[(question + 1)..],
            headers, payloadHash);
    }
}
