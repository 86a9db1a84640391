namespace Berth.Control.Identity;

/// <summary>The account root user's access key: its id, and its secret only when this start created it (it is printed once).</summary>
public sealed record RootKey(string AccessKeyId, string? NewSecretAccessKey);
