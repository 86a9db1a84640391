using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Events;

/// <summary>A client of <c>GET /_berth/events</c> that reads it as a browser's EventSource would, with a real SSE parser.</summary>
internal sealed class EventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _items;

    private EventStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _items = SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator();
    }

    /// <summary>Opens the stream; <paramref name="lastEventId"/> goes in the Last-Event-ID header, as a reconnecting EventSource sends it.</summary>
    public static async Task<EventStream> OpenAsync(HttpClient http, string query, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/_berth/events{query}");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next <paramref name="count"/> events; fails when they do not come within 20 s.</summary>
    public async Task<IReadOnlyList<StreamedEvent>> ReadAsync(int count)
    {
        var events = new List<StreamedEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (events.Count < count)
        {
            var next = _items.MoveNextAsync().AsTask();
            Assert.True(await Task.WhenAny(next, Task.Delay(Timeout.Infinite, timeout.Token)) == next,
                $"only {events.Count} of {count} events came: {string.Join(", ", events.Select(e => e.Summary))}");
            Assert.True(await next, "the stream ended");
            var item = _items.Current;
            events.Add(new StreamedEvent(long.Parse(item.EventId!, System.Globalization.CultureInfo.InvariantCulture), item.EventType, JsonNode.Parse(item.Data)!));
        }
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        _response.Dispose();
        try
        {
            await _items.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection is closed under the parser on purpose.
        }
    }
}

/// <summary>One message: its id, its event type and its data (the envelope).</summary>
internal sealed record StreamedEvent(long Id, string Type, JsonNode Data)
{
    public JsonNode Detail => Data["detail"]!;

    /// <summary>For a task state change: "lastStatus/desiredStatus".</summary>
    public string Statuses => $"{(string?)Detail["lastStatus"]}/{(string?)Detail["desiredStatus"]}";

    public string Summary => $"{Id} {Type} {Statuses}";
}
