using System.Text;
using Berth.Core.Errors;

namespace Berth.Api.Query;

/// <summary>
/// A query-protocol request body (<c>application/x-www-form-urlencoded</c>): flat parameters whose dotted
/// names spell the structure (<c>DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight</c>).
/// Every dotted prefix of a parameter name is remembered, so a reader can ask whether a list item or a
/// nested structure is present without scanning all names.
/// </summary>
public sealed class QueryForm
{
    /// <summary>
    /// Far deeper than any model nests (ELBv2's deepest parameter has 8 segments). Remembering every prefix costs the
    /// name's length once per segment, so without a bound one 90 kB name of 10,000 segments took 1.5 GB.
    /// </summary>
    private const int MaxSegments = 32;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);

    public QueryForm(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            _values[name] = value;
            var segments = 1;
            for (var dot = name.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = name.IndexOf('.', dot + 1))
            {
                if (++segments > MaxSegments)
                {
                    throw new QueryValidationException($"Parameter names nest at most {MaxSegments} levels; '{name[..Math.Min(dot, 64)]}…' nests deeper.");
                }
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
