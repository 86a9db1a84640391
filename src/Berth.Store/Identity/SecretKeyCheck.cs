using System.Buffers;
using System.Text.Json;
using Berth.Core.Ssm;

namespace Berth.Store.Identity;

/// <summary>
/// Whether a server's secret key is the one its store's secrets are sealed with. Servers sharing a store (one
/// PostgreSQL database, or a data directory opened with another <c>--secret-key-file</c>) must share the key: with
/// another one, every read of a secret, a SecureString parameter or an access key's secret failed as an internal error.
/// The first start seals a known text with its key in a record of the store; each later start opens it, so a server with
/// another key is refused before it answers anything.
/// </summary>
/// <remarks>
/// A store made before the check existed gets it from the first server that starts on it, when that server's key opens
/// a value already sealed there (an access key's secret, a SecureString, a secret's value), or the store has none:
/// adopting another key would refuse the right one at its next start.
/// </remarks>
public static class SecretKeyCheck
{
    public const string Kind = "secret-key-check";

    private const string Id = "secret-key";

    private const string Scope = "berth";

    /// <summary>The sealed text, and the associated data that binds it to this record.</summary>
    private const string Text = "Berth secret key check";

    /// <summary>
    /// True when <paramref name="cipher"/> opens the store's check, or the store had none and now has one sealed with it;
    /// false when the check, or a value sealed before the check existed, was sealed with another key.
    /// </summary>
    public static Task<bool> MatchesAsync(IStateStore store, SecretCipher cipher, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            if (await store.GetAsync(Kind, Id, ct).ConfigureAwait(false) is { } check)
            {
                return Opens(cipher, check.Body);
            }
            if (await SealedBeforeAsync(store, ct).ConfigureAwait(false) is { } value && !cipher.TryUnprotect(value.Sealed, value.Binding, out _))
            {
                return false;
            }
            // Two servers starting on a new store at once: one commit wins, the other conflicts and checks the winner's.
            await store.CommitAsync([new PutRecord(Kind, Id, Scope, Id, Seal(cipher), 0)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>One value sealed in a store that has no check yet, with what it is bound to; null when it holds none.</summary>
    private static async Task<(string Sealed, string Binding)?> SealedBeforeAsync(IStateStore store, CancellationToken cancellationToken)
    {
        var keys = await store.QueryAsync(IdentityRecords.AccessKeys, new RecordQuery(IdentityRecords.AccessKeys.Kind, null) { Limit = 1 }, cancellationToken)
            .ConfigureAwait(false);
        if (keys.Count > 0)
        {
            return (keys[0].Value.EncryptedSecret, keys[0].Value.AccessKeyId);
        }
        // Read whole: this runs once, on a store made before the check, to find its first SecureString or secret value.
        foreach (var parameter in await store.QueryAsync(SecretRecords.Parameters, new RecordQuery(SecretRecords.Parameters.Kind, null), cancellationToken)
            .ConfigureAwait(false))
        {
            if (parameter.Value.Versions.FirstOrDefault(v => v.Type == ParameterRules.SecureString) is { } version)
            {
                return (version.Value, SecretRecords.ParameterValueBinding(parameter.Id, version.Version));
            }
        }
        foreach (var secret in await store.QueryAsync(SecretRecords.Secrets, new RecordQuery(SecretRecords.Secrets.Kind, null), cancellationToken)
            .ConfigureAwait(false))
        {
            if (secret.Value.Versions.FirstOrDefault(v => (v.SealedString ?? v.SealedBinary) is not null) is { } version)
            {
                return (version.SealedString ?? version.SealedBinary!, SecretRecords.SecretValueBinding(secret.Value.Arn, version.VersionId));
            }
        }
        return null;
    }

    private static byte[] Seal(SecretCipher cipher)
    {
        var body = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("sealed", cipher.Protect(Text, Kind));
            writer.WriteEndObject();
        }
        return body.WrittenSpan.ToArray();
    }

    private static bool Opens(SecretCipher cipher, byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return cipher.TryUnprotect(document.RootElement.GetProperty("sealed").GetString()!, Kind, out var text) && text == Text;
    }
}
