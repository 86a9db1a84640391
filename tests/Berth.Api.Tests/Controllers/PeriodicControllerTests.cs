using Berth.Server.Controllers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Api.Tests.Controllers;

public class PeriodicControllerTests
{
    /// <summary>Fails its first two passes, then counts the ones that work.</summary>
    private sealed class Flaky() : PeriodicController(TimeSpan.FromMilliseconds(20), TimeProvider.System, NullLogger.Instance)
    {
        private int _passes;

        public int Passes => Volatile.Read(ref _passes);

        protected override Task RunPassAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _passes) <= 2 ? throw new InvalidOperationException("store unavailable") : Task.CompletedTask;
    }

    [Fact]
    public async Task A_failing_pass_is_followed_by_the_next_one()
    {
        using var controller = new Flaky();
        await controller.StartAsync(CancellationToken.None);

        var passes = await Eventually.ReadAsync(() => Task.FromResult(controller.Passes), n => n >= 4);
        var stillRunning = !controller.ExecuteTask!.IsCompleted;
        await controller.StopAsync(CancellationToken.None);

        Assert.True(passes >= 4, $"{passes} passes");
        Assert.True(stillRunning);
        Assert.False(controller.ExecuteTask.IsFaulted);
    }
}
