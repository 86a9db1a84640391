using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Berth.Architecture.Tests;

/// <summary>One C# file of a project: its path relative to the project directory, with '/' separators, and its text.</summary>
internal sealed record SourceFile(string Path, string Text);

/// <summary>A src/ project as the layering rules see it: the projects it references and its C# files.</summary>
internal sealed record ProjectSource(string Name, IReadOnlyList<string> ProjectReferences, IReadOnlyList<SourceFile> Files)
{
    /// <summary>Every project under <c>src/</c> of the repository that holds this test.</summary>
    public static IReadOnlyList<ProjectSource> LoadAll() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(Load)
            .ToList();

    public static string RepositoryRoot { get; } = FindRoot();

    private static ProjectSource Load(string csproj)
    {
        var directory = Path.GetDirectoryName(csproj)!;
        var references = XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();
        var files = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new SourceFile(f, File.ReadAllText(Path.Combine(directory, f))))
            .ToList();
        return new ProjectSource(Path.GetFileNameWithoutExtension(csproj), references, files);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Berth.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Berth.slnx above {AppContext.BaseDirectory}.");
    }
}

/// <summary>What a C# file names, read from its text: comments and string literals are left out, so prose never counts.</summary>
internal static partial class CSharpText
{
    /// <summary>The code without comments, string and character literals.</summary>
    public static string Code(string text) => Literals().Replace(text, m => m.Value.StartsWith('/') ? " " : "\"\"");

    /// <summary>The file-scoped (or block) namespace the file declares, if any.</summary>
    public static string? NamespaceOf(string code) => Namespace().Match(code) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>Namespaces the file imports (plain, static and alias usings).</summary>
    public static IEnumerable<string> Usings(string code) => Using().Matches(code).Select(m => m.Groups[1].Value);

    /// <summary>
    /// Qualified names in the code, such as <c>Berth.Api.Protocol.ApiOptions</c> or <c>Microsoft.AspNetCore.Http</c>; the
    /// using directives and the namespace declaration are not code that names anything.
    /// </summary>
    public static IEnumerable<string> QualifiedNames(string code) =>
        Qualified().Matches(Namespace().Replace(Using().Replace(code, ""), "")).Select(m => m.Value);

    /// <summary>Top-level type names the file declares.</summary>
    public static IEnumerable<string> DeclaredTypes(string code) => Declaration().Matches(code).Select(m => m.Groups[1].Value);

    public static ISet<string> Words(string code) => Word().Matches(code).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex("""//[^\n]*|/\*.*?\*/|@"(?:[^"]|"")*"|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)'""", RegexOptions.Singleline)]
    private static partial Regex Literals();

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Using();

    [GeneratedRegex(@"\b(?:Berth|Microsoft)(?:\.\w+)+")]
    private static partial Regex Qualified();

    [GeneratedRegex(@"^(?:(?:public|internal|file|sealed|static|abstract|partial|readonly)\s+)*(?:class|record|struct|interface|enum)\s+([A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Za-z_]\w*\b")]
    private static partial Regex Word();
}
