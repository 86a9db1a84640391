using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Berth.Store.Identity;

/// <summary>
/// Encrypts secrets kept in the state store (access keys' secrets, which SigV4 verification needs in the clear, so
/// they cannot be hashed) with AES-256-GCM under a key of its own, in a file readable by its owner alone (0600)
/// beside the database: a copy of the database without the key file gives away no secret. Each value has a fresh
/// nonce and is bound to what it belongs to (the associated data, e.g. the access key id), so a ciphertext moved to
/// another record does not decrypt.
/// </summary>
public sealed class SecretCipher
{
    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] _key;

    private SecretCipher(byte[] key) => _key = key;

    /// <summary>The cipher of the key in <paramref name="keyFile"/>, which is created (mode 0600) with a random key when missing.</summary>
    public static async Task<SecretCipher> OpenAsync(string keyFile, CancellationToken cancellationToken)
    {
        if (!File.Exists(keyFile))
        {
            var fresh = RandomNumberGenerator.GetBytes(KeyBytes);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                await using var file = new FileStream(keyFile, options);
                await file.WriteAsync(fresh, cancellationToken).ConfigureAwait(false);
                return new SecretCipher(fresh);
            }
            catch (IOException) when (File.Exists(keyFile))
            {
                // Another process created it first: use theirs.
            }
        }
        return await ReadAsync(keyFile, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The cipher of the key in an existing <paramref name="keyFile"/> (a key the user keeps), never created.</summary>
    /// <exception cref="InvalidDataException">The file is missing, unreadable, or not 32 bytes.</exception>
    public static async Task<SecretCipher> ReadAsync(string keyFile, CancellationToken cancellationToken)
    {
        byte[] key;
        try
        {
            key = await File.ReadAllBytesAsync(keyFile, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{keyFile} cannot be read: {e.Message}", e);
        }
        return key.Length == KeyBytes
            ? new SecretCipher(key)
            : throw new InvalidDataException($"{keyFile} is not a Berth secret key ({KeyBytes} bytes); it has {key.Length}.");
    }

    /// <summary>Base64 of nonce, ciphertext and tag.</summary>
    public string Protect(string secret, string associatedData)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), Encoding.UTF8.GetBytes(associatedData));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>
    /// The secret, or false when <paramref name="protectedSecret"/> was not sealed with this key for this associated data
    /// (sealed under another key file, moved to another record, or altered): for callers that answer a client error then.
    /// </summary>
    public bool TryUnprotect(string protectedSecret, string associatedData, [NotNullWhen(true)] out string? secret)
    {
        try
        {
            secret = Unprotect(protectedSecret, associatedData);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            secret = null;
            return false;
        }
    }

    /// <exception cref="CryptographicException">The value was not sealed with this key for this associated data.</exception>
    private string Unprotect(string protectedSecret, string associatedData)
    {
        var sealedBytes = Convert.FromBase64String(protectedSecret);
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        if (length < 0)
        {
            throw new CryptographicException("The protected secret is too short.");
        }
        var plain = new byte[length];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), plain,
            Encoding.UTF8.GetBytes(associatedData));
        return Encoding.UTF8.GetString(plain);
    }
}
