using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Tests;

internal sealed record LogEntry(string Category, LogLevel Level, string Message)
{
    public override string ToString() => $"{Level} {Category}: {Message}";
}

/// <summary>Records every entry the loggers it makes are given, for tests of what the server logs.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public int Count => _entries.Count;

    public List<LogEntry> Since(int count) => _entries.Skip(count).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception)));
    }
}
