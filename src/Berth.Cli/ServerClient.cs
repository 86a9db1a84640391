using System.Text.Json;

namespace Berth.Cli;

/// <summary>
/// How the client commands (<see cref="ClientFlags"/>, <c>berth agent token</c>) fail: a refused request, an unreachable
/// server or a bad URL is one line on stderr and exit code 1, a bad key in the environment exit code 2, never a stack trace.
/// </summary>
internal static class ServerClient
{
    /// <summary>Runs a request against the server named by <paramref name="url"/>, turning every expected failure into one line.</summary>
    public static async Task<int> RunAsync(string command, string url, Func<Uri, Task<int>> run)
    {
        try
        {
            return await run(new Uri(url)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return await FailAsync(command, $"cannot reach {url}: {e.Message}").ConfigureAwait(false);
        }
        catch (Exception e) when (e is UriFormatException or RefusedException)
        {
            return await FailAsync(command, e.Message).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            await FailAsync(command, e.Message).ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>Throws the server's refusal with the message of its ECS-shaped error body.</summary>
    public static async Task EnsureAcceptedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new RefusedException(MessageOf(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)));
        }
    }

    /// <summary>The message of an ECS-shaped error body (<c>{"__type": …, "message": …}</c>), or the body itself when it is not one.</summary>
    private static string MessageOf(string body)
    {
        try
        {
            using var error = JsonDocument.Parse(body);
            return error.RootElement.ValueKind == JsonValueKind.Object && error.RootElement.TryGetProperty("message", out var message)
                && message.GetString() is { } text ? text : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private static async Task<int> FailAsync(string command, string message)
    {
        await Console.Error.WriteLineAsync($"berth {command}: {message}").ConfigureAwait(false);
        return 1;
    }

    private sealed class RefusedException(string message) : Exception(message);
}
