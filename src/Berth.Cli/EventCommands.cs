using System.CommandLine;
using System.Globalization;
using System.Net.ServerSentEvents;

namespace Berth.Cli;

/// <summary>
/// <c>berth events [--endpoint-url URL] [--cluster NAME] [--after ID]</c>: follows the server's event stream
/// (<c>GET /_berth/events</c>) and prints one line per event until Ctrl-C. A refused request or an unreachable server is
/// one line on stderr and exit code 1.
/// </summary>
internal static class EventCommands
{
    public static Command Events()
    {
        var client = new ClientFlags();
        var cluster = new Option<string?>("--cluster") { Description = "Only this cluster's events (name or ARN)" };
        var after = new Option<long?>("--after") { Description = "First replay the retained events after this event id" };
        var command = new Command("events",
            "Print task state changes, service events and deployment state changes as they happen, one line per event, until Ctrl-C.");
        client.AddTo(command);
        command.Options.Add(cluster);
        command.Options.Add(after);
        command.SetAction((result, cancellationToken) => client.RunAsync("events", result, async http =>
        {
            try
            {
                await FollowAsync(http, result.GetValue(cluster), result.GetValue(after), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C: the normal end of following.
            }
            return 0;
        }));
        return command;
    }

    private static async Task FollowAsync(HttpClient http, string? cluster, long? after, CancellationToken cancellationToken)
    {
        // The stream has no end; HttpClient's default 100 s timeout would cut it.
        http.Timeout = Timeout.InfiniteTimeSpan;
        var query = new List<string>();
        if (cluster is not null)
        {
            query.Add($"cluster={Uri.EscapeDataString(cluster)}");
        }
        if (after is { } id)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"after={id}"));
        }
        var path = "/_berth/events" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await ServerClient.EnsureAcceptedAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            Console.WriteLine(EventLine.Format(item));
        }
        throw new IOException("the server closed the stream");
    }
}
