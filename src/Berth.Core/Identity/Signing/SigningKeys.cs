using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Berth.Core.Identity.Signing;

/// <summary>
/// SigV4 signing keys (four HMACs chained from the secret through the date, region and service), kept per secret
/// and scope: one key signs every request of a key's day in one region and service, so deriving it once leaves one
/// HMAC per request instead of five, which was most of verification's cost (bench/Berth.Bench.SigV4).
/// </summary>
internal static class SigningKeys
{
    // A bound, not an eviction policy: past it (yesterday's scopes, thousands of keys) the cache starts over.
    private const int MaxEntries = 1024;

    private static readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> Cache = new();

    public static byte[] For(string secretAccessKey, string date, string region, string service)
    {
        var scope = (secretAccessKey, date, region, service);
        if (Cache.TryGetValue(scope, out var key))
        {
            return key;
        }
        key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, CanonicalRequest.Terminator);
        if (Cache.Count >= MaxEntries)
        {
            Cache.Clear();
        }
        Cache[scope] = key;
        return key;
    }

    public static byte[] Hmac(byte[] key, string data)
    {
        var hash = new byte[HMACSHA256.HashSizeInBytes];
        Hmac(key, data, hash);
        return hash;
    }

    public static void Hmac(byte[] key, string data, Span<byte> destination)
    {
        Span<byte> scratch = stackalloc byte[CanonicalRequest.ScratchBytes];
        HMACSHA256.HashData(key, CanonicalRequest.Utf8(data, scratch), destination);
    }
}
