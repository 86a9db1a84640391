using System.Text.RegularExpressions;
using Berth.Core.Errors;

namespace Berth.Core.Validation;

/// <summary>Checks shared by every API area; each throws the ECS error a client would get.</summary>
public static partial class Require
{
    /// <summary>Cluster, family, container and service names: ECS allows up to 255 letters, digits, hyphens, underscores.</summary>
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex NamePattern();

    /// <summary>A list member of a batch call holds 1 to <paramref name="max"/> items; ECS's words name the member and the items.</summary>
    public static void Count<T>(IReadOnlyCollection<T> items, int max, string member, string noun) =>
        That(items.Count >= 1 && items.Count <= max, $"{member} must list between 1 and {max} {noun}.");

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    public static void Name(string? value, string what)
    {
        if (!IsValidName(value))
        {
            throw new InvalidParameterException(
                $"{what} can have up to 255 characters. Valid characters are letters (uppercase and lowercase), numbers, hyphens (-), and underscores (_).");
        }
    }

    public static void OneOf(string? value, IReadOnlySet<string> allowed, string member)
    {
        if (value is not null && !allowed.Contains(value))
        {
            throw new InvalidParameterException(
                $"Invalid value '{value}' for {member}. Valid values are: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}.");
        }
    }

    public static void InRange(int? value, int min, int max, string member)
    {
        if (value is { } v && (v < min || v > max))
        {
            throw new InvalidParameterException($"{member} must be between {min} and {max}; got {v}.");
        }
    }

    /// <summary>
    /// An idempotency token as the model words it for RunTask, CreateService, CreateTaskSet and CreateDaemon: printable
    /// ASCII (33-126), 1 to <paramref name="maxLength"/> characters (64 for RunTask, 36 for the others).
    /// </summary>
    public static void ClientToken(string? token, int maxLength)
    {
        if (token is not null)
        {
            That(token.Length >= 1 && token.Length <= maxLength && token.All(c => c is >= '!' and <= '~'),
                $"clientToken must be 1 to {maxLength} ASCII characters in the range 33-126.");
        }
    }

    public static void That(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidParameterException(message);
        }
    }

    public static string NotBlank(string? value, string member) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidParameterException($"{member} can not be blank.") : value;

    /// <summary>A member the model requires: SDKs check it before sending, so only a hand-made request lacks it.</summary>
    public static T Present<T>(T? value, string member)
        where T : class =>
        value ?? throw new InvalidParameterException($"{member} is required.");
}
