using System.Text;

namespace Berth.Api.Query;

/// <summary>
/// A query-protocol request body (<c>application/x-www-form-urlencoded</c>): flat parameters whose dotted
/// names spell the structure (<c>DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight</c>).
/// Every dotted prefix of a parameter name is remembered, so a reader can ask whether a list item or a
/// nested structure is present without scanning all names.
/// </summary>
public sealed class QueryForm
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);

    public QueryForm(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            _values[name] = value;
            for (var dot = name.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = name.IndexOf('.', dot + 1))
            {
                _prefixes.Add(name[..dot]);
            }
            _prefixes.Add(name);
        }
    }

    public static QueryForm Parse(ReadOnlySpan<byte> body) => new(ParsePairs(Encoding.UTF8.GetString(body)));

    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>Whether <paramref name="name"/> is a parameter or the prefix of one.</summary>
    public bool Has(string name) => _prefixes.Contains(name);

    private static IEnumerable<KeyValuePair<string, string>> ParsePairs(string body)
    {
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            yield return new(Decode(name), Decode(value));
        }
    }

    private static string Decode(string component) => Uri.UnescapeDataString(component.Replace('+', ' '));
}
