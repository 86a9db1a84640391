using System.Security.Cryptography;

namespace Berth.Control.Identity;

/// <summary>
/// IAM's identifiers as IAM makes them: a four-letter prefix naming the kind (<c>AIDA</c> user, <c>AROA</c> role,
/// <c>ANPA</c> policy, <c>AKIA</c>/<c>ASIA</c> access key) and random characters of base32's upper-case alphabet.
/// </summary>
internal static class IamIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>A user's, role's or policy's unique id: 21 characters.</summary>
    public static string Unique(string prefix) => prefix + RandomNumberGenerator.GetString(Alphabet, 17);

    /// <summary>An access key id: 20 characters.</summary>
    public static string AccessKey(string prefix) => prefix + RandomNumberGenerator.GetString(Alphabet, 16);
}
