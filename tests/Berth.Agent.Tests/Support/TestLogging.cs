using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.Support;

/// <summary>Agent logs in the test's output, so a failing integration test shows what the agent did.</summary>
public sealed class TestLoggerFactory(ITestOutputHelper output) : ILoggerFactory
{
    private readonly DateTime _start = DateTime.UtcNow;

    public ILogger CreateLogger(string categoryName) => new TestLogger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        try
        {
            output.WriteLine($"{(DateTime.UtcNow - _start).TotalSeconds,7:0.000} {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished; the agent is shutting down.
        }
    }

    private sealed class TestLogger(TestLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            factory.Write($"{logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? "" : $" — {exception.GetType().Name}: {exception.Message}")}");
    }
}
