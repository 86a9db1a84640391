namespace Berth.Core.Identity.Signing;

/// <summary>Who signed an accepted request, and the credential scope they signed it for.</summary>
/// <param name="AccessKeyId">The access key the signature was made with.</param>
/// <param name="Region">The credential scope's region: the region the request is for.</param>
/// <param name="Service">The credential scope's service signing name (<c>ecs</c>, <c>monitoring</c>, <c>sts</c>…).</param>
/// <param name="SessionToken">The session token the request carried, for temporary credentials.</param>
/// <param name="SignedAt">The signing time the request claims (X-Amz-Date).</param>
public sealed record SigV4Identity(string AccessKeyId, string Region, string Service, string? SessionToken, DateTimeOffset SignedAt);
