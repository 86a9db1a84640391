using System.CommandLine;
using System.Globalization;

namespace Berth.Cli;

/// <summary>Options whose default comes from a BERTH_* environment variable, then a built-in default.</summary>
internal static class EnvOption
{
    public static Option<T> Create<T>(string name, string description, string variable, T fallback) => new(name)
    {
        Description = $"{description} (env {variable}, default {fallback?.ToString() ?? "none"})",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text ? Convert<T>(text, variable) : fallback,
    };

    private static T Convert<T>(string text, string variable)
    {
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        try
        {
            return (T)System.Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{variable} must be a {type.Name}; got '{text}'.");
        }
    }
}
