using Berth.Core.Ecs;
using Berth.Core.Placement;
using Berth.Core.Services;

namespace Berth.Core.Tests.Services;

public class PlacementEventTests
{
    [Fact]
    public void The_closest_instance_and_what_it_lacks_come_from_the_placement_failure()
    {
        var instance = new InstanceCandidate(
            "arn:aws:ecs:us-east-1:1:container-instance/default/abc", "i-1", "ACTIVE", true,
            new ResourceSet(1024, 128, new HashSet<int>(), new HashSet<int>()), new Dictionary<string, string?>(), [], DateTimeOffset.UnixEpoch);
        var request = new PlacementRequest(new ResourceSet(10, 512, new HashSet<int>(), new HashSet<int>()), 1, "service:web", "web", [], [], []);
        var failure = Assert.Single(PlacementEngine.Place(new ClusterSnapshot([instance]), request, new Random(1)).Failures);

        Assert.Equal(
            "(service web) was unable to place a task because no container instance met all of its requirements. "
            + "The closest matching (container-instance abc) has insufficient memory available. "
            + "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
            ServiceEvents.UnableToPlace("web", failure));
    }

    [Fact]
    public void A_failure_without_an_instance_is_quoted_as_the_reason()
    {
        var failure = new Failure { Reason = PlacementFailureReasons.NoContainerInstances };

        Assert.Contains("Reason: No Container Instances were found in your cluster.", ServiceEvents.UnableToPlace("web", failure), StringComparison.Ordinal);
    }
}
