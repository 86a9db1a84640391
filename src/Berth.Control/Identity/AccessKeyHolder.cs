using Berth.Core.Identity.Signing;

namespace Berth.Control.Identity;

/// <summary>An active access key as SigV4 verification needs it: its secret (and session), and who signs with it.</summary>
public sealed record AccessKeyHolder(string AccessKeyId, string PrincipalArn, SigningCredential Credential);
