using System.Text.Json;

namespace Berth.Cli;

/// <summary>What the client commands print when the server refuses a request.</summary>
internal static class ServerErrors
{
    /// <summary>The message of an ECS-shaped error body (<c>{"__type": …, "message": …}</c>), or the body itself when it is not one.</summary>
    public static string MessageOf(string body)
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
}
