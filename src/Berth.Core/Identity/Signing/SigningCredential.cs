namespace Berth.Core.Identity.Signing;

/// <summary>
/// What the verifier needs to know about an access key: its secret, and for temporary credentials (from STS or
/// a task role) the session token the request must carry and when they stop working. A lookup answers
/// <c>null</c> for an unknown or inactive key, which AWS refuses the same way.
/// </summary>
public sealed record SigningCredential(string SecretAccessKey, string? SessionToken = null, DateTimeOffset? Expiration = null);
