using System.Text;

namespace Berth.Api.Query;

/// <summary>
/// A query-protocol request body (<c>application/x-www-form-urlencoded</c>): flat parameters whose dotted
/// names spell the structure (<c>DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight</c>).
/// Every dotted prefix of a parameter name is remembered with the segments that follow it, so a reader can
/// ask whether a nested structure is present, or which list items are, without scanning all names.
/// </summary>
internal sealed class QueryForm
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);

    public QueryForm(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            _values[name] = value;
            for (var dot = name.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = name.IndexOf('.', dot + 1))
            {
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
