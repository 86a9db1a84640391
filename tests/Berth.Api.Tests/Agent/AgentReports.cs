using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Agent;

/// <summary>Task reports as an agent sends them: in batches to <c>/_berth/agent/v1/reports</c> (docs/agent-protocol.md §3).</summary>
internal static class AgentReports
{
    public const string Route = "/_berth/agent/v1/reports";

    /// <summary>One report of the task, its <paramref name="containers"/> at <paramref name="status"/> too.</summary>
    public static object Of(string instanceArn, string taskArn, string status, params string[] containers) => new
    {
        containerInstanceArn = instanceArn,
        taskArn,
        lastStatus = status,
        containers = containers.Select(name => new { name, lastStatus = status }).ToArray(),
    };

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, params object[] reports) => http.PostAsJsonAsync(Route, new { reports });

    /// <summary>The outcome the server answered for each report, in order.</summary>
    public static async Task<IReadOnlyList<string>> OutcomesAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonNode>();
        return [.. body!["results"]!.AsArray().Select(r => (string)r!["outcome"]!)];
    }

    /// <summary>Reports the task and its <paramref name="containers"/> at <paramref name="status"/>, which the server must apply.</summary>
    public static async Task ReportAsync(HttpClient http, string instanceArn, string taskArn, string status, params string[] containers)
    {
        using var response = await PostAsync(http, Of(instanceArn, taskArn, status, containers));
        Assert.Equal(["applied"], await OutcomesAsync(response));
    }
}
