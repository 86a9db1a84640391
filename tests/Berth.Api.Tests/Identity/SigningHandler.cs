using Berth.Core.Identity.Signing;

namespace Berth.Api.Tests.Identity;

/// <summary>
/// Signs every request as botocore does, with the given key, replacing the placeholder Authorization header the test
/// clients send (whose credential scope still says the region and service), and signing at the clock plus
/// <see cref="ClockOffset"/> (a client with a skewed clock).
/// </summary>
public sealed class SigningHandler(string accessKeyId, SigningCredential credential, string defaultService = "ecs") : DelegatingHandler(new HttpClientHandler())
{
    public TimeSpan ClockOffset { get; init; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (region, service) = ("us-east-1", defaultService);
        if (request.Headers.Authorization?.Parameter is { } placeholder)
        {
            var scope = placeholder.Split(',')[0].Split('/');
            (region, service) = (scope[2], scope[3]);
            request.Headers.Authorization = null;
        }
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        request.Headers.Host = request.RequestUri!.Authority;
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v)))
            .ToList();
        var signed = new SigV4Request(request.Method.Method, request.RequestUri.AbsolutePath, request.RequestUri.Query.TrimStart('?'), headers,
            SigV4Request.HashPayload(body));
        foreach (var (name, value) in SigV4Signer.Sign(signed, accessKeyId, credential, region, service, DateTimeOffset.UtcNow + ClockOffset))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
