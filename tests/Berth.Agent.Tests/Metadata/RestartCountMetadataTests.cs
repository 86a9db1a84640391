using Berth.Agent.Metadata;
using Berth.Agent.Tasks;
using Berth.Agent.Tests.Support;
using Berth.Core.Ecs;
using static Berth.Agent.Tests.Support.TaskStates;

namespace Berth.Agent.Tests.Metadata;

/// <summary>The metadata endpoint's RestartCount: present, as in ECS, only for a container with an enabled restartPolicy.</summary>
public sealed class RestartCountMetadataTests
{
    [Fact]
    public void A_container_with_an_enabled_restart_policy_reports_how_often_it_was_restarted()
    {
        var web = C("web") with { RestartPolicy = new ContainerRestartPolicy { Enabled = true } };
        var spec = Spec(web, C("plain"));
        var state = Decide(spec, New(spec).Exited(spec, "web", 1).Running(spec, "plain"), Run, T0 + TimeSpan.FromMinutes(5)).State;
        var view = TaskView.Of(TestTasks.Assignment("f", "bridge", web, C("plain")), state);

        Assert.Equal(1, MetadataDocuments.Container(view, view.Containers[0]).RestartCount);
        Assert.Null(MetadataDocuments.Container(view, view.Containers[1]).RestartCount);
    }
}
