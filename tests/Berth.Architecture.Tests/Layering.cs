namespace Berth.Architecture.Tests;

/// <summary>
/// The project layering of docs/architecture.md: Core ← Store ← Control ← Api, Server; Core ← Agent; Cli on top;
/// WebConsole (the console's files, which use no other project) under the Server. A project may depend, by
/// ProjectReference or by naming a namespace in its code, on the projects below it in its chain and on nothing else. Two further rules: the Server names Berth.Api only where it composes the API (its
/// Endpoints/ folder, and ServerOptions, which carries the API's options) — controllers and the load balancer call
/// Control; and the layers under the wire (Core, Store, Control) have no HTTP.
/// </summary>
internal static class Layering
{
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> MayUse = new Dictionary<string, IReadOnlySet<string>>
    {
        ["Berth.Core"] = Set(),
        ["Berth.Store"] = Set("Berth.Core"),
        ["Berth.Control"] = Set("Berth.Store", "Berth.Core"),
        ["Berth.Api"] = Set("Berth.Control", "Berth.Store", "Berth.Core"),
        ["Berth.Server"] = Set("Berth.Api", "Berth.Control", "Berth.Store", "Berth.Core", "Berth.WebConsole"),
        ["Berth.Agent"] = Set("Berth.Core"),
        // Static files and the routes serving them: a client of the API over HTTP, never of its code.
        ["Berth.WebConsole"] = Set(),
        ["Berth.Cli"] = Set("Berth.Server", "Berth.Agent", "Berth.Api", "Berth.Control", "Berth.Store", "Berth.Core"),
    };

    private static readonly IReadOnlySet<string> WithoutHttp = Set("Berth.Core", "Berth.Store", "Berth.Control");

    /// <summary>Where the Server may name Berth.Api: composing the API is endpoint mapping and its options.</summary>
    public static bool ServerMayNameApi(string path) => path.StartsWith("Endpoints/", StringComparison.Ordinal) || path == "ServerOptions.cs";

    /// <summary>Every broken rule, one line each, naming the project and file.</summary>
    public static IReadOnlyList<string> Violations(IReadOnlyList<ProjectSource> projects)
    {
        var violations = new List<string>();
        foreach (var project in projects)
        {
            if (!MayUse.TryGetValue(project.Name, out var allowed))
            {
                violations.Add($"{project.Name}: not in the layering table (Layering.MayUse); say which projects it may use.");
                continue;
            }
            violations.AddRange(project.ProjectReferences
                .Where(r => !allowed.Contains(r))
                .Select(r => $"{project.Name}.csproj references {r}, which it may not use."));
            foreach (var file in project.Files)
            {
                violations.AddRange(FileViolations(project.Name, allowed, file));
            }
        }
        return violations;
    }

    private static IEnumerable<string> FileViolations(string project, IReadOnlySet<string> allowed, SourceFile file)
    {
        var code = CSharpText.Code(file.Text);
        var named = CSharpText.Usings(code).Concat(CSharpText.QualifiedNames(code)).ToList();
        foreach (var used in named.Select(ProjectOf).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (used != project && !allowed.Contains(used))
            {
                yield return $"{project}/{file.Path} names {used}, which {project} may not use.";
            }
            else if (project == "Berth.Server" && used == "Berth.Api" && !ServerMayNameApi(file.Path))
            {
                yield return $"{project}/{file.Path} names Berth.Api outside Endpoints/: call Berth.Control instead.";
            }
        }
        if (WithoutHttp.Contains(project) && named.Any(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)))
        {
            yield return $"{project}/{file.Path} uses Microsoft.AspNetCore; HTTP belongs to Berth.Api and Berth.Server.";
        }
    }

    /// <summary><c>Berth.Api.Protocol.ApiOptions</c> → <c>Berth.Api</c>: each project's root namespace is its name.</summary>
    private static string? ProjectOf(string name)
    {
        var parts = name.Split('.');
        return parts.Length >= 2 && parts[0] == "Berth" ? $"Berth.{parts[1]}" : null;
    }

    private static HashSet<string> Set(params string[] names) => new(names, StringComparer.Ordinal);
}
