using Berth.Core.Errors;
using Berth.Core.SecretsManager;

namespace Berth.Core.Tests.Secrets;

public class StagingLabelsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static SecretVersion Version(string id, params string[] stages) => new(id, "sealed", null, Now, stages);

    private static Dictionary<string, string> Labels(IReadOnlyList<SecretVersion> versions) =>
        versions.ToDictionary(v => v.VersionId, v => string.Join(",", v.Stages.Order(StringComparer.Ordinal)));

    [Fact]
    public void A_new_current_version_demotes_the_old_one_to_previous_and_drops_the_older_previous()
    {
        var versions = StagingLabels.Add([Version("a", "AWSPREVIOUS"), Version("b", "AWSCURRENT")], Version("c"), null);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "", ["b"] = "AWSPREVIOUS", ["c"] = "AWSCURRENT" }, Labels(versions));
    }

    [Fact]
    public void A_pending_version_leaves_current_and_previous_where_they_are()
    {
        var versions = StagingLabels.Add([Version("a", "AWSPREVIOUS"), Version("b", "AWSCURRENT", "AWSPENDING")], Version("c"), ["AWSPENDING"]);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "AWSPREVIOUS", ["b"] = "AWSCURRENT", ["c"] = "AWSPENDING" }, Labels(versions));
    }

    [Fact]
    public void Moving_current_needs_the_version_it_comes_from_and_demotes_it()
    {
        IReadOnlyList<SecretVersion> versions = [Version("a", "AWSPREVIOUS"), Version("b", "AWSCURRENT"), Version("c", "AWSPENDING")];
        var refused = Assert.Throws<InvalidParameterException>(() => StagingLabels.Move(versions, "AWSCURRENT", null, "c"));
        Assert.Contains("currently attached to version b", refused.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidParameterException>(() => StagingLabels.Move(versions, "AWSCURRENT", "a", "c"));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "", ["b"] = "AWSPREVIOUS", ["c"] = "AWSCURRENT,AWSPENDING" },
            Labels(StagingLabels.Move(versions, "AWSCURRENT", "b", "c")));
    }

    [Fact]
    public void Labels_other_than_current_are_removed_or_attached_freely()
    {
        IReadOnlyList<SecretVersion> versions = [Version("a", "AWSCURRENT"), Version("b", "AWSPENDING")];
        Assert.Equal(new Dictionary<string, string> { ["a"] = "AWSCURRENT", ["b"] = "" }, Labels(StagingLabels.Move(versions, "AWSPENDING", "b", null)));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "AWSCURRENT,blue", ["b"] = "AWSPENDING" }, Labels(StagingLabels.Move(versions, "blue", null, "a")));
        Assert.Throws<InvalidParameterException>(() => StagingLabels.Move(versions, "AWSCURRENT", "a", null));
        Assert.Throws<ResourceNotFoundException>(() => StagingLabels.Move(versions, "blue", null, "zzz"));
    }

    [Fact]
    public void Only_unlabelled_versions_are_dropped_beyond_the_limit()
    {
        var versions = Enumerable.Range(0, StagingLabels.MaxVersions).Select(i => Version($"v{i}", i == 0 ? ["keep"] : [])).ToList();
        var added = StagingLabels.Add(versions, Version("new"), null);
        Assert.Equal(StagingLabels.MaxVersions, added.Count);
        Assert.Equal(["v0", "v2"], added.Take(2).Select(v => v.VersionId));
    }
}
