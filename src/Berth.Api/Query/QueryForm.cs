using System.Text;
using Berth.Core.Errors;

namespace Berth.Api.Query;

/// <summary>
/// A query-protocol request body (<c>application/x-www-form-urlencoded</c>): flat parameters whose dotted
/// names spell the structure (<c>DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight</c>).
/// Every dotted prefix of a parameter name is remembered with the segments that follow it, so a reader can
/// ask whether a nested structure is present, or which list items are, without scanning all names.
/// </summary>
internal sealed class QueryForm
{
    /// <summary>
    /// Far deeper than any model nests (ELBv2's deepest parameter has 8 segments). Remembering every prefix costs the
    /// name's length once per segment, so without a bound one 90 kB name of 10,000 segments took 1.5 GB.
    /// </summary>
    private const int MaxSegments = 32;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);

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
                var next = name.IndexOf('.', dot + 1);
                var child = next < 0 ? name[(dot + 1)..] : name[(dot + 1)..next];
                var children = _children.TryGetValue(name[..dot], out var known) ? known : _children[name[..dot]] = [];
                if (!children.Contains(child))
                {
                    children.Add(child);
                }
            }
        }
    }

    public static QueryForm Parse(ReadOnlySpan<byte> body) => new(ParsePairs(Encoding.UTF8.GetString(body)));

    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>Every parameter's name, in the order the form lists them.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Whether <paramref name="name"/> is a parameter or the prefix of one.</summary>
    public bool Has(string name) => _values.ContainsKey(name) || _children.ContainsKey(name);

    /// <summary>The segments that follow <c>{prefix}.</c> in parameter names (<c>member</c>, or a list's indexes).</summary>
    public IReadOnlyList<string> Children(string prefix) => _children.TryGetValue(prefix, out var children) ? children : [];

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
