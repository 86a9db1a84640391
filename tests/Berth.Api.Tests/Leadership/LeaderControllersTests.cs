using Berth.Server.Leadership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ServerLeadership = Berth.Server.Leadership.Leadership;

namespace Berth.Api.Tests.Leadership;

/// <summary>Leader-only controllers run during a term, inside its fence, and stop when it ends.</summary>
public sealed class LeaderControllersTests
{
    /// <summary>Counts its passes and notes the fencing token each ran under.</summary>
    private sealed class Counting(Passes passes) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                passes.Record(Fencing.Token);
                await Task.Delay(10, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private sealed class Passes
    {
        private readonly List<long?> _tokens = [];

        public void Record(long? token)
        {
            lock (_tokens)
            {
                _tokens.Add(token);
            }
        }

        public IReadOnlyList<long?> Tokens
        {
            get
            {
                lock (_tokens)
                {
                    return [.. _tokens];
                }
            }
        }
    }

    [Fact]
    public async Task Controllers_run_fenced_only_while_a_term_is_in_force()
    {
        using var leadership = new ServerLeadership();
        var passes = new Passes();
        using var services = new ServiceCollection()
            .AddSingleton(passes)
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddLeaderOnly<Counting>()
            .BuildServiceProvider();
        using var host = new LeaderControllers(services.GetServices<LeaderOnlyController>(), services, leadership, NullLogger<LeaderControllers>.Instance);
        await host.StartAsync(CancellationToken.None);

        await Task.Delay(200);
        var beforeAnyTerm = passes.Tokens.Count;
        leadership.Begin(new LeaderTerm(7, DateTimeOffset.UtcNow.AddMinutes(1), TimeProvider.System));
        var during = await Eventually.ReadAsync(() => Task.FromResult(passes.Tokens), t => t.Count >= 5);
        leadership.End();
        await Eventually.ReadAsync(() => Task.FromResult(leadership.Current), c => c is null);
        await Task.Delay(200);
        var afterEnd = passes.Tokens.Count;
        await Task.Delay(300);
        var later = passes.Tokens.Count;
        await host.StopAsync(CancellationToken.None);

        Assert.Equal(0, beforeAnyTerm);
        Assert.True(during.Count >= 5, $"{during.Count} passes during the term");
        Assert.All(during, token => Assert.Equal(7, token));
        Assert.Equal(afterEnd, later);
    }
}
