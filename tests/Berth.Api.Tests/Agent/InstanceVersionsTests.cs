using Berth.Control.Agents;
using Berth.Store;

namespace Berth.Api.Tests.Agent;

/// <summary>The newest version of each polled instance's record this server knows of, and the reads that decide it.</summary>
public sealed class InstanceVersionsTests
{
    private const string Arn = "arn:aws:ecs:us-east-1:000000000000:container-instance/versions/0123456789abcdef";

    private readonly InstanceVersions _versions = new(new ChangeFeed());

    [Fact]
    public void No_version_is_the_newest_before_a_read_and_the_one_read_is_after_it()
    {
        Assert.False(_versions.IsNewest(Arn, 7));

        _versions.EndRead(Arn, 7, _versions.BeginRead(Arn));

        Assert.True(_versions.IsNewest(Arn, 7));
        Assert.False(_versions.IsNewest(Arn, 6));
    }

    [Fact]
    public void A_read_that_ran_while_a_newer_version_was_listed_leaves_the_newer_one_standing()
    {
        _versions.EndRead(Arn, 6, _versions.BeginRead(Arn));
        var mark = _versions.BeginRead(Arn);
        _versions.Listed(new Dictionary<string, long> { [Arn] = 8 });
        _versions.EndRead(Arn, 7, mark);

        Assert.False(_versions.IsNewest(Arn, 7));
        Assert.True(_versions.IsNewest(Arn, 8));
    }

    [Fact]
    public void A_read_after_the_instance_left_the_listing_decides_again()
    {
        _versions.EndRead(Arn, 7, _versions.BeginRead(Arn));
        _versions.Listed(new Dictionary<string, long>());
        Assert.False(_versions.IsNewest(Arn, 7));

        // Registered again meanwhile (the listing was older than the registration): the next read settles it.
        _versions.EndRead(Arn, 7, _versions.BeginRead(Arn));

        Assert.True(_versions.IsNewest(Arn, 7));
    }

    [Fact]
    public void A_forgotten_instance_is_not_followed_any_more()
    {
        _versions.EndRead(Arn, 7, _versions.BeginRead(Arn));
        _versions.Forget(Arn);

        _versions.Listed(new Dictionary<string, long> { [Arn] = 7 });

        Assert.False(_versions.IsNewest(Arn, 7));
    }
}
