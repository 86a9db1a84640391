namespace Berth.Core.Ssm;

/// <summary>
/// What a Get… request names: a parameter by name or ARN, optionally with a selector — <c>name:3</c> (a version) or
/// <c>name:prod</c> (a label). An ARN drops a name's leading slash, so it can mean two names (<c>parameter/db</c> is
/// <c>db</c> or <c>/db</c>); a name with a slash inside always starts with one.
/// </summary>
/// <param name="Given">The reference as the request spelled it (GetParameters reports missing ones so).</param>
public sealed record ParameterReference(string Given, IReadOnlyList<string> Names, long? Version, string? Label)
{
    /// <summary>The selector as Parameter Store echoes it (<c>:3</c>, <c>:prod</c>), null without one.</summary>
    public string? Selector => Version is { } v ? $":{v}" : Label is { } l ? $":{l}" : null;

    public static ParameterReference Parse(string given)
    {
        var rest = given;
        var fromArn = false;
        if (given.StartsWith("arn:", StringComparison.Ordinal) && given.IndexOf(":parameter/", StringComparison.Ordinal) is var at and >= 0)
        {
            rest = given[(at + ":parameter/".Length)..];
            fromArn = true;
        }
        string? selector = null;
        if (rest.LastIndexOf(':') is var colon and >= 0)
        {
            selector = rest[(colon + 1)..];
            rest = rest[..colon];
        }
        IReadOnlyList<string> names = !fromArn ? [rest]
            : rest.Contains('/', StringComparison.Ordinal) ? ["/" + rest]
            : [rest, "/" + rest];
        return selector switch
        {
            null => new ParameterReference(given, names, null, null),
            _ when long.TryParse(selector, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) =>
                new ParameterReference(given, names, version, null),
            _ => new ParameterReference(given, names, null, selector),
        };
    }

    /// <summary>The version of <paramref name="parameter"/> this reference selects, or null when it has none such.</summary>
    public ParameterVersion? Select(ParameterRecord parameter) =>
        Version is { } version ? parameter.Version(version) : Label is { } label ? parameter.Labelled(label) : parameter.Latest;
}
