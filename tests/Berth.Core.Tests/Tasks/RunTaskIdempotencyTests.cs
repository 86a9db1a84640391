using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Tasks;

public class RunTaskIdempotencyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly RunTaskRequest Web = new() { Cluster = "default", TaskDefinition = "web", Count = 2, ClientToken = "token-1" };

    private static RunTaskTokenRecord Recorded(RunTaskRequest request, DateTimeOffset at) =>
        RunTaskIdempotency.Record(null, request.ClientToken!, RunTaskIdempotency.RequestHash(request), ["arn:task/a"], [], at);

    [Fact]
    public void An_unused_token_runs_the_request() =>
        Assert.Equal(RunTaskIdempotency.Verdict.Run, RunTaskIdempotency.Decide(null, RunTaskIdempotency.RequestHash(Web), Now));

    [Fact]
    public void The_same_request_again_is_a_replay() =>
        Assert.Equal(RunTaskIdempotency.Verdict.Replay,
            RunTaskIdempotency.Decide(Recorded(Web, Now), RunTaskIdempotency.RequestHash(Web with { }), Now.AddHours(1)));

    [Fact]
    public void The_cluster_spelling_does_not_make_another_request_because_tokens_are_per_cluster() =>
        Assert.Equal(RunTaskIdempotency.Verdict.Replay, RunTaskIdempotency.Decide(
            Recorded(Web, Now), RunTaskIdempotency.RequestHash(Web with { Cluster = "arn:aws:ecs:us-east-1:000000000000:cluster/default" }), Now));

    public static TheoryData<RunTaskRequest> OtherRequests() =>
    [
        Web with { Count = 3 },
        Web with { TaskDefinition = "web:2" },
        Web with { StartedBy = "me" },
        Web with { Tags = [new Tag { Key = "k", Value = "v" }] },
        Web with { Overrides = new TaskOverride { Cpu = "256" } },
    ];

    [Theory]
    [MemberData(nameof(OtherRequests))]
    public void The_token_with_other_parameters_is_a_conflict(RunTaskRequest other) =>
        Assert.Equal(RunTaskIdempotency.Verdict.Conflict, RunTaskIdempotency.Decide(Recorded(Web, Now), RunTaskIdempotency.RequestHash(other), Now));

    [Fact]
    public void A_token_is_free_again_after_24_hours()
    {
        var recorded = Recorded(Web, Now);

        Assert.Equal(Now.AddHours(24), recorded.ExpiresAt);
        Assert.False(RunTaskIdempotency.IsExpired(recorded, Now.AddHours(24).AddSeconds(-1)));
        Assert.True(RunTaskIdempotency.IsExpired(recorded, Now.AddHours(24)));
        Assert.Equal(RunTaskIdempotency.Verdict.Run,
            RunTaskIdempotency.Decide(recorded, RunTaskIdempotency.RequestHash(Web with { Count = 3 }), Now.AddHours(24)));
    }

    [Fact]
    public void A_later_share_adds_its_tasks_and_failures_and_keeps_the_expiry()
    {
        var first = Recorded(Web, Now);

        var next = RunTaskIdempotency.Record(first, "token-1", first.RequestHash, ["arn:task/b"], [new Failure { Reason = "RESOURCE:CPU" }], Now.AddMinutes(1));

        Assert.Equal(["arn:task/a", "arn:task/b"], next.TaskArns);
        Assert.Equal("RESOURCE:CPU", Assert.Single(next.Failures).Reason);
        Assert.Equal(first.ExpiresAt, next.ExpiresAt);
    }

    [Fact]
    public void An_expired_record_is_replaced_not_extended()
    {
        var old = Recorded(Web, Now);

        var fresh = RunTaskIdempotency.Record(old, "token-1", "other", ["arn:task/c"], [], Now.AddDays(2));

        Assert.Equal(["arn:task/c"], fresh.TaskArns);
        Assert.Equal("other", fresh.RequestHash);
        Assert.Equal(Now.AddDays(3), fresh.ExpiresAt);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("!~")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Tokens_of_1_to_64_printable_ASCII_characters_are_accepted(string token) => RunTaskIdempotency.Validate(token);

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\t")]
    [InlineData("caf\u00e9")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    public void Other_tokens_are_refused(string token) =>
        Assert.Throws<InvalidParameterException>(() => RunTaskIdempotency.Validate(token));
}
