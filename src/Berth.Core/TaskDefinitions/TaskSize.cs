using System.Globalization;
using System.Text.RegularExpressions;
using Berth.Core.Errors;

namespace Berth.Core.TaskDefinitions;

/// <summary>
/// Task-level cpu and memory. ECS accepts "1024", "1 vCPU" / "0.25 vcpu" and "2048", "2GB" / "0.5 GB",
/// and always returns plain CPU units and MiB as strings.
/// </summary>
internal static partial class TaskSize
{
    [GeneratedRegex(@"^\s*(?<number>\d+(\.\d+)?)\s*(?<unit>vcpu|gb)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Quantity();

    /// <summary>CPU units as a string, or null when <paramref name="cpu"/> is null.</summary>
    public static string? NormalizeCpu(string? cpu) => Normalize(cpu, "vcpu", 1024, "cpu");

    /// <summary>Memory in MiB as a string, or null when <paramref name="memory"/> is null.</summary>
    public static string? NormalizeMemory(string? memory) => Normalize(memory, "gb", 1024, "memory");

    private static string? Normalize(string? value, string unit, int unitsPer, string member)
    {
        if (value is null)
        {
            return null;
        }
        var match = Quantity().Match(value);
        if (!match.Success || (match.Groups["unit"].Success && !match.Groups["unit"].Value.Equals(unit, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ClientException($"Invalid '{member}' setting for task: '{value}'.");
        }
        // Callers read the result as an int (units, MiB): a larger number is no task size, not an overflow.
        if (!decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            || number > int.MaxValue)
        {
            throw new ClientException($"Invalid '{member}' setting for task: '{value}'.");
        }
        var units = match.Groups["unit"].Success ? number * unitsPer : number;
        if (units <= 0 || units != decimal.Truncate(units) || units > int.MaxValue)
        {
            throw new ClientException($"Invalid '{member}' setting for task: '{value}'.");
        }
        return ((int)units).ToString(CultureInfo.InvariantCulture);
    }
}
