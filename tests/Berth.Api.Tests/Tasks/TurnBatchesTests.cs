using Berth.Control.Tasks;

namespace Berth.Api.Tests.Tasks;

public sealed class TurnBatchesTests
{
    private const string Cluster = "arn:aws:ecs:us-east-1:000000000000:cluster/a";

    private readonly TurnBatches<string, string> _batches = new();

    /// <summary>Every batch placed, as the requests in it, in order.</summary>
    private readonly List<string[]> _placed = [];

    private Task Place(IReadOnlyList<TurnBatches<string, string>.Queued> batch)
    {
        _placed.Add([.. batch.Select(q => q.Request)]);
        foreach (var queued in batch)
        {
            queued.Answer("placed " + queued.Request);
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_request_alone_is_a_batch_of_one_placed_by_its_own_caller()
    {
        Assert.Equal("placed a", await _batches.RunAsync(Cluster, "a", Place, CancellationToken.None));

        Assert.Equal(["a"], Assert.Single(_placed));
    }

    [Fact]
    public async Task Requests_that_wait_for_a_turn_are_placed_together_by_the_first_of_them_to_get_it()
    {
        var turn = await _batches.EnterAloneAsync(Cluster, CancellationToken.None);
        var waiting = new[] { "a", "b", "c" }.Select(r => _batches.RunAsync(Cluster, r, Place, CancellationToken.None)).ToList();
        Assert.DoesNotContain(waiting, w => w.IsCompleted);

        turn.Dispose();

        Assert.Equal(["placed a", "placed b", "placed c"], await Task.WhenAll(waiting));
        Assert.Equal(["a", "b", "c"], Assert.Single(_placed));
    }

    [Fact]
    public async Task A_batch_that_throws_fails_every_request_in_it_and_the_next_request_is_placed_again()
    {
        var turn = await _batches.EnterAloneAsync(Cluster, CancellationToken.None);
        var waiting = new[] { "a", "b" }.Select(r => _batches.RunAsync(Cluster, r, _ => throw new InvalidOperationException("store down"), CancellationToken.None)).ToList();

        turn.Dispose();

        foreach (var request in waiting)
        {
            Assert.Equal("store down", (await Assert.ThrowsAsync<InvalidOperationException>(() => request)).Message);
        }
        Assert.Equal("placed c", await _batches.RunAsync(Cluster, "c", Place, CancellationToken.None));
    }

    [Fact]
    public async Task A_caller_that_gives_up_while_waiting_is_answered_cancelled_and_its_request_is_not_placed()
    {
        var turn = await _batches.EnterAloneAsync(Cluster, CancellationToken.None);
        using var giveUp = new CancellationTokenSource();
        var abandoned = _batches.RunAsync(Cluster, "a", Place, giveUp.Token);
        var kept = _batches.RunAsync(Cluster, "b", Place, CancellationToken.None);

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        turn.Dispose();

        Assert.Equal("placed b", await kept);
        Assert.Equal(["b"], Assert.Single(_placed));
    }

    [Fact]
    public async Task Requests_on_other_sources_do_not_wait_for_each_other()
    {
        using var turn = await _batches.EnterAloneAsync(Cluster, CancellationToken.None);

        Assert.Equal("placed b", await _batches.RunAsync(Cluster + "-b", "b", Place, CancellationToken.None));
    }
}
