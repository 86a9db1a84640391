using System.Threading.Channels;
using Berth.Core.Concurrency;
using Berth.Server.Controllers;
using Berth.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Api.Tests.Controllers;

/// <summary>
/// Which records a pass of the service and daemon schedulers reconciles: every one first, after a change that names
/// none and once the interval has passed; otherwise only those named since the previous pass took its marks. A
/// record's failed round leaves the others theirs; an unavailable store ends the pass.
/// </summary>
public sealed class ReconcileEachControllerTests : IAsyncLifetime
{
    private static readonly string[] All = ["svc/a", "svc/b", "svc/c"];
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly SubjectNotifier _changes = new();
    private readonly Clock _clock = new();
    private Recording? _controller;

    private Recording Controller => _controller ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _controller = new Recording(_changes, _clock);
        await Controller.StartAsync(CancellationToken.None);
        Assert.Equal(All, await NextAsync(3)); // the first pass: everything
    }

    public async Task DisposeAsync()
    {
        Controller.Release();
        await Controller.StopAsync(CancellationToken.None);
        Controller.Dispose();
    }

    [Fact]
    public async Task A_change_that_names_a_record_reconciles_that_one_only()
    {
        _changes.Notify("svc/b");
        Assert.Equal(["svc/b"], await NextAsync(1));

        // Not this controller's (a daemon's ARN on the service signal): nothing; the next named one proves nothing else ran.
        _changes.Notify("daemon/x");
        _changes.Notify("svc/c");
        Assert.Equal(["svc/c"], await NextAsync(1));
    }

    [Fact]
    public async Task A_change_that_names_nothing_reconciles_every_record()
    {
        _changes.Notify();

        Assert.Equal(All, await NextAsync(3));
    }

    [Fact]
    public async Task Once_the_interval_has_passed_a_named_change_still_reconciles_every_record()
    {
        _clock.Advance(Recording.Interval);
        _changes.Notify("svc/b");

        Assert.Equal(All, await NextAsync(3));
        _changes.Notify("svc/a");
        Assert.Equal(["svc/a"], await NextAsync(1));
    }

    [Fact]
    public async Task Changes_named_while_a_pass_runs_are_reconciled_by_the_next_pass_together()
    {
        Controller.HoldNext();
        _changes.Notify("svc/a");
        Assert.Equal(["svc/a"], await NextAsync(1)); // that pass is now held inside svc/a's round

        _changes.Notify("svc/c");
        _changes.Notify("svc/b");
        _changes.Notify("svc/c");
        Controller.Release();

        Assert.Equal(["svc/b", "svc/c"], (await NextAsync(2)).Order());
        _changes.Notify("svc/a");
        Assert.Equal(["svc/a"], await NextAsync(1));
    }

    [Fact]
    public async Task A_record_whose_round_fails_leaves_the_others_to_their_rounds()
    {
        Controller.FailNext(new InvalidOperationException("a broken record"));
        _changes.Notify();

        Assert.Equal(All, await NextAsync(3));
    }

    [Fact]
    public async Task A_round_that_finds_the_store_unavailable_ends_the_pass()
    {
        Controller.FailNext(new StoreUnavailableException("Berth's data store cannot be used: the disk is full.", new IOException()));
        _changes.Notify();
        Assert.Equal(["svc/a"], await NextAsync(1));

        // svc/b and svc/c were left to a later pass: the next one reconciles only what it is told.
        _changes.Notify("svc/c");
        Assert.Equal(["svc/c"], await NextAsync(1));
    }

    private async Task<IReadOnlyList<string>> NextAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await Controller.Reconciled.Reader.ReadAsync().AsTask().WaitAsync(Guard));
        }
        return ids;
    }

    /// <summary>Reconciles nothing but records which ids it was asked to, in order; can hold a round until released.</summary>
    private sealed class Recording(SubjectNotifier changes, TimeProvider time)
        : ReconcileEachController(Interval, time, NullLogger.Instance, changes)
    {
        /// <summary>Longer than any test: a pass runs only when woken, and the interval passes only on the test's clock.</summary>
        public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _holdNext;
        private Exception? _failNext;

        public Channel<string> Reconciled { get; } = Channel.CreateUnbounded<string>();

        /// <summary>The next record's round waits for <see cref="Release"/> (once per test).</summary>
        public void HoldNext() => _holdNext = true;

        public void Release() => _released.TrySetResult();

        /// <summary>The next record's round throws <paramref name="failure"/> once it is recorded.</summary>
        public void FailNext(Exception failure) => Volatile.Write(ref _failNext, failure);

        protected override Task<IEnumerable<string>> SubjectsAsync(CancellationToken cancellationToken) => Task.FromResult<IEnumerable<string>>(All);

        protected override bool IsSubject(string id) => id.StartsWith("svc/", StringComparison.Ordinal);

        protected override async Task ReconcileAsync(string id, CancellationToken cancellationToken)
        {
            Reconciled.Writer.TryWrite(id);
            if (Interlocked.Exchange(ref _failNext, null) is { } failure)
            {
                throw failure;
            }
            if (_holdNext)
            {
                _holdNext = false;
                await _released.Task.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>The wall clock's timers, with a time the test moves on.</summary>
    private sealed class Clock : TimeProvider
    {
        private TimeSpan _offset;

        public void Advance(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }
}
