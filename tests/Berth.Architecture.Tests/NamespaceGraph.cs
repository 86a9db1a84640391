namespace Berth.Architecture.Tests;

/// <summary>
/// Which namespaces of a set use which: a file depends on a namespace it imports, names qualified, or whose type it
/// names. The last catches what usings miss: C# resolves a parent namespace's types without a using, so a handler
/// that calls back into its composition root shows only by the type's name.
/// </summary>
internal sealed class NamespaceGraph
{
    private readonly Dictionary<string, SortedSet<string>> _edges = new(StringComparer.Ordinal);

    public NamespaceGraph(IEnumerable<SourceFile> files, Func<string, bool> inScope)
    {
        var parsed = files
            .Select(f => CSharpText.Code(f.Text))
            .Select(code => (Code: code, Namespace: CSharpText.NamespaceOf(code)))
            .Where(f => f.Namespace is not null && inScope(f.Namespace))
            .ToList();
        var declaredIn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (code, ns) in parsed)
        {
            _edges.TryAdd(ns!, new SortedSet<string>(StringComparer.Ordinal));
            foreach (var type in CSharpText.DeclaredTypes(code))
            {
                declaredIn[type] = ns!;
            }
        }
        foreach (var (code, ns) in parsed)
        {
            var used = CSharpText.Usings(code)
                .Concat(CSharpText.QualifiedNames(code).SelectMany(Prefixes))
                .Where(_edges.ContainsKey)
                .Concat(CSharpText.Words(code).Where(declaredIn.ContainsKey).Select(w => declaredIn[w]));
            _edges[ns!].UnionWith(used.Where(u => u != ns));
        }
    }

    public IReadOnlyDictionary<string, SortedSet<string>> Edges => _edges;

    /// <summary>The groups of namespaces that depend on each other in a circle (Tarjan's strongly connected components of size > 1).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var cycles = new List<IReadOnlyList<string>>();
        foreach (var node in _edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }
        return cycles;

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in _edges[node])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }
            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1)
                {
                    cycles.Add([.. component.Order(StringComparer.Ordinal)]);
                }
            }
        }
    }

    /// <summary><c>A.B.C.D</c> → <c>A.B</c>, <c>A.B.C</c>, <c>A.B.C.D</c>: a qualified type name names its namespace among these.</summary>
    private static IEnumerable<string> Prefixes(string qualified)
    {
        var parts = qualified.Split('.');
        return Enumerable.Range(2, Math.Max(0, parts.Length - 1)).Select(n => string.Join('.', parts.Take(n)));
    }
}
