namespace Berth.Core.Errors;

/// <summary>
/// Why a stored secret value (a Secrets Manager version, a SecureString) does not open, in the words each service's error
/// adds: Berth seals them with its own secret key, not KMS, and a server refuses to start with a key other than its
/// store's, so this is a value sealed before that check existed under another key, or one altered in the database.
/// </summary>
internal static class SealedValues
{
    public const string AnotherKey =
        "Berth: this server's secret key (--secret-key-file) does not open the stored value; it was sealed with another key, or altered.";
}
