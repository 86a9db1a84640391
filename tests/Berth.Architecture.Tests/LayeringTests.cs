namespace Berth.Architecture.Tests;

/// <summary>The repository as it is: its projects keep the layering, and the namespaces that must not form cycles don't.</summary>
public sealed class LayeringTests
{
    private static readonly IReadOnlyList<ProjectSource> Projects = ProjectSource.LoadAll();

    [Fact]
    public void Every_src_project_is_read()
    {
        Assert.Equal(Layering.MayUse.Keys.Order(StringComparer.Ordinal), Projects.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(Projects, p => Assert.NotEmpty(p.Files));
    }

    [Fact]
    public void Every_project_uses_only_the_layers_below_it()
    {
        var violations = Layering.Violations(Projects);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void The_ecs_handler_namespaces_of_the_api_form_no_cycle()
    {
        var graph = new NamespaceGraph(Project("Berth.Api").Files, ns => ns.StartsWith("Berth.Api.Ecs", StringComparison.Ordinal) || ns == "Berth.Api.Agent");
        // The handlers and their composition root are all there, so an empty graph cannot pass for a clean one.
        Assert.Contains("Berth.Api.Ecs.Tasks", graph.Edges.Keys);
        Assert.Contains("Berth.Api.Ecs.Services", graph.Edges["Berth.Api.Ecs"]);
        AssertNoCycle(graph);
    }

    [Fact]
    public void The_namespaces_of_control_form_no_cycle()
    {
        var graph = new NamespaceGraph(Project("Berth.Control").Files, ns => ns.StartsWith("Berth.Control", StringComparison.Ordinal));
        Assert.Contains("Berth.Control.Tasks", graph.Edges["Berth.Control.Services"]);
        AssertNoCycle(graph);
    }

    private static ProjectSource Project(string name) => Projects.Single(p => p.Name == name);

    private static void AssertNoCycle(NamespaceGraph graph)
    {
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, "Namespaces that depend on each other: " + string.Join("; ", cycles.Select(c => string.Join(" ⇄ ", c))));
    }
}
