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
        var endpoint = EnvOption.Create("--endpoint-url", "The Berth server", "BERTH_SERVER", "http://127.0.0.1:4566");
        var cluster = new Option<string?>("--cluster") { Description = "Only this cluster's events (name or ARN)" };
        var after = new Option<long?>("--after") { Description = "First replay the retained events after this event id" };
        var command = new Command("events",
            "Print task state changes, service events and deployment state changes as they happen, one line per event, until Ctrl-C.");
        command.Options.Add(endpoint);
        command.Options.Add(cluster);
        command.Options.Add(after);
        command.SetAction(async (result, cancellationToken) =>
        {
            var url = result.GetValue(endpoint)!;
            try
            {
                await FollowAsync(new Uri(url), result.GetValue(cluster), result.GetValue(after), cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                return await FailAsync($"cannot read the event stream of {url}: {e.Message}").ConfigureAwait(false);
            }
            catch (Exception e) when (e is UriFormatException or StreamRefusedException)
            {
                return await FailAsync(e.Message).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static async Task FollowAsync(Uri endpoint, string? cluster, long? after, CancellationToken cancellationToken)
    {
        // The stream has no end; HttpClient's default 100 s timeout would cut it.
        using var http = new HttpClient { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
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
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new StreamRefusedException(ServerErrors.MessageOf(body));
        }
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            Console.WriteLine(EventLine.Format(item));
        }
        throw new IOException("the server closed the stream");
    }

    private static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync($"berth events: {message}").ConfigureAwait(false);
        return 1;
    }

    private sealed class StreamRefusedException(string message) : Exception(message);
}
