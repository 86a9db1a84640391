namespace Berth.Architecture.Tests;

/// <summary>The checks themselves, on made-up projects: each rule refuses what it exists to refuse.</summary>
public sealed class LayeringRulesTests
{
    private static ProjectSource Project(string name, IReadOnlyList<string> references, params (string Path, string Text)[] files) =>
        new(name, references, files.Select(f => new SourceFile(f.Path, f.Text)).ToList());

    [Fact]
    public void A_reference_up_the_layers_is_refused()
    {
        var violations = Layering.Violations([Project("Berth.Store", ["Berth.Core", "Berth.Control"])]);

        Assert.Equal(["Berth.Store.csproj references Berth.Control, which it may not use."], violations);
    }

    [Fact]
    public void A_using_of_a_higher_layer_is_refused_even_without_a_reference()
    {
        var violations = Layering.Violations(
            [Project("Berth.Control", ["Berth.Store"], ("Tasks/TaskLauncher.cs", "using Berth.Api.Protocol;\nnamespace Berth.Control.Tasks;\n"))]);

        Assert.Equal(["Berth.Control/Tasks/TaskLauncher.cs names Berth.Api, which Berth.Control may not use."], violations);
    }

    [Fact]
    public void A_qualified_name_counts_as_much_as_a_using()
    {
        var violations = Layering.Violations(
            [Project("Berth.Agent", ["Berth.Core"], ("Tasks/TaskManager.cs", "namespace Berth.Agent.Tasks;\nclass A { Berth.Store.IStateStore? s; }\n"))]);

        Assert.Equal(["Berth.Agent/Tasks/TaskManager.cs names Berth.Store, which Berth.Agent may not use."], violations);
    }

    [Fact]
    public void The_server_names_the_api_only_in_its_endpoints()
    {
        var violations = Layering.Violations([Project("Berth.Server", ["Berth.Api", "Berth.Control"],
            ("Endpoints/EndpointsRegistration.cs", "using Berth.Api;\nnamespace Berth.Server.Endpoints;\n"),
            ("ServerOptions.cs", "using Berth.Api.Protocol;\nnamespace Berth.Server;\n"),
            ("Controllers/ServiceScheduler.cs", "using Berth.Api.Ecs.Services;\nusing Berth.Control.Services;\nnamespace Berth.Server.Controllers;\n"))]);

        Assert.Equal(["Berth.Server/Controllers/ServiceScheduler.cs names Berth.Api outside Endpoints/: call Berth.Control instead."], violations);
    }

    [Fact]
    public void Http_under_the_wire_is_refused()
    {
        var violations = Layering.Violations(
            [Project("Berth.Control", ["Berth.Store"], ("Agents/Poll.cs", "using Microsoft.AspNetCore.Http;\nnamespace Berth.Control.Agents;\n"))]);

        Assert.Equal(["Berth.Control/Agents/Poll.cs uses Microsoft.AspNetCore; HTTP belongs to Berth.Api and Berth.Server."], violations);
    }

    [Fact]
    public void A_project_missing_from_the_table_is_refused()
    {
        Assert.Equal(
            ["Berth.Console: not in the layering table (Layering.MayUse); say which projects it may use."],
            Layering.Violations([Project("Berth.Console", [])]));
    }

    [Fact]
    public void Comments_and_strings_name_nothing()
    {
        var violations = Layering.Violations([Project("Berth.Core", [], ("Concurrency/ChangeNotifier.cs",
            "namespace Berth.Core.Concurrency;\n/// <summary>Used by Berth.Api and Berth.Server.</summary>\nclass C { string s = \"Berth.Control.Tasks\"; /* Berth.Store */ }\n"))]);

        Assert.Empty(violations);
    }

    [Fact]
    public void A_cycle_through_usings_is_found()
    {
        var graph = new NamespaceGraph(
        [
            new SourceFile("Tasks/TaskHandler.cs", "using X.Services;\nnamespace X.Tasks;\nclass TaskHandler { ServiceSignal s; }\n"),
            new SourceFile("Services/ServiceHandler.cs", "using X.Tasks;\nnamespace X.Services;\nclass ServiceHandler { TaskHandler t; }\nclass ServiceSignal;\n"),
            new SourceFile("Clusters/ClusterHandler.cs", "using X.Tasks;\nnamespace X.Clusters;\nclass ClusterHandler { TaskHandler t; }\n"),
        ], _ => true);

        Assert.Equal([["X.Services", "X.Tasks"]], graph.Cycles());
    }

    [Fact]
    public void A_cycle_through_a_parent_namespace_is_found_without_a_using()
    {
        // C# finds EcsApi from X.Ecs.Tasks with no using at all: only the type's name shows the dependency.
        var graph = new NamespaceGraph(
        [
            new SourceFile("Ecs/EcsApi.cs", "using X.Ecs.Tasks;\nnamespace X.Ecs;\nstatic class EcsApi { static TaskHandler? t; }\n"),
            new SourceFile("Ecs/Tasks/TaskHandler.cs", "namespace X.Ecs.Tasks;\nclass TaskHandler { object o = typeof(EcsApi); }\n"),
        ], _ => true);

        Assert.Equal([["X.Ecs", "X.Ecs.Tasks"]], graph.Cycles());
    }

    [Fact]
    public void A_tree_of_namespaces_has_no_cycle()
    {
        // Each file's own namespace declaration names its parent namespace; that is no dependency on it.
        var graph = new NamespaceGraph(
        [
            new SourceFile("Ecs/EcsApi.cs", "using Berth.Api.Ecs.Tasks;\nusing Berth.Api.Ecs.Services;\nnamespace Berth.Api.Ecs;\nstatic class EcsApi { TaskHandler t; ServiceHandler s; }\n"),
            new SourceFile("Ecs/Tasks/TaskHandler.cs", "namespace Berth.Api.Ecs.Tasks;\nclass TaskHandler;\n"),
            new SourceFile("Ecs/Services/ServiceHandler.cs", "namespace Berth.Api.Ecs.Services;\nclass ServiceHandler;\n"),
        ], _ => true);

        Assert.Empty(graph.Cycles());
        Assert.Equal(["Berth.Api.Ecs.Services", "Berth.Api.Ecs.Tasks"], graph.Edges["Berth.Api.Ecs"]);
        Assert.Empty(graph.Edges["Berth.Api.Ecs.Tasks"]);
    }
}
