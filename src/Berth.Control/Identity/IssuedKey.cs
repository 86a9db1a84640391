namespace Berth.Control.Identity;

/// <summary>A key just made: the only moment its secret is shown (IAM's CreateAccessKey, STS's credentials).</summary>
public sealed record IssuedKey(string AccessKeyId, string SecretAccessKey, string PrincipalArn, DateTimeOffset CreateDate,
    string? SessionToken = null, DateTimeOffset? Expiration = null);
