using System.Text;
using System.Text.RegularExpressions;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// A resource type's ARN as the Service Authorization Reference writes it, e.g.
/// <c>arn:${Partition}:ecs:${Region}:${Account}:task/${ClusterName}/${TaskId}</c>: filled from variables to
/// build an ARN, and matched against an ARN to read its variables back.
/// </summary>
internal sealed partial class ArnTemplate
{
    private readonly string _template;
    private readonly Regex _pattern;

    public ArnTemplate(string template)
    {
        _template = template;
        Variables = [.. Placeholder().Matches(template).Select(m => m.Groups[1].Value)];
        var pattern = new StringBuilder("^");
        var last = 0;
        foreach (Match match in Placeholder().Matches(template))
        {
            pattern.Append(Regex.Escape(template[last..match.Index]));
            var atEnd = match.Index + match.Length == template.Length;
            // The last part of an ARN may hold anything (paths, log group names); a part before another one
            // ends at the next separator, and account and region may be empty (IAM, S3).
            var part = match.Groups[1].Value switch
            {
                "Region" or "Account" => "[^:]*",
                _ when atEnd => ".+",
                _ when template[(match.Index + match.Length)..].StartsWith(':') => "[^:]+",
                _ => "[^:/]+",
            };
            pattern.Append($"(?<{match.Groups[1].Value}>{part})");
            last = match.Index + match.Length;
        }
        pattern.Append(Regex.Escape(template[last..])).Append('$');
        _pattern = new Regex(pattern.ToString(), RegexOptions.CultureInvariant);
    }

    public IReadOnlyList<string> Variables { get; }

    /// <summary>The ARN with every variable's value; a variable without one is <c>*</c>, and the ARN is then not exact.</summary>
    public (string Arn, bool IsExact) Fill(IReadOnlyDictionary<string, string> values)
    {
        var exact = true;
        var arn = Placeholder().Replace(_template, m =>
        {
            if (values.TryGetValue(m.Groups[1].Value, out var value))
            {
                return value;
            }
            exact = false;
            return "*";
        });
        return (arn, exact);
    }

    /// <summary>The variables of an ARN of this type, or null when it is not one.</summary>
    public Dictionary<string, string>? Match(string arn)
    {
        var match = _pattern.Match(arn);
        return match.Success ? Variables.ToDictionary(v => v, v => match.Groups[v].Value, StringComparer.Ordinal) : null;
    }

    public override string ToString() => _template;

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex Placeholder();
}
