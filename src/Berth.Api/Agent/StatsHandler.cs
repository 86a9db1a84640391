using System.Text.Json;
using Berth.Api.Protocol;
using Berth.Control.Utilization;
using Berth.Core.Agent;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Agent;

/// <summary><c>POST /_berth/agent/v1/stats</c>: agents' resource-use samples, handed to <see cref="UtilizationSamples"/>.</summary>
internal sealed class StatsHandler(UtilizationSamples samples)
{
    public async Task ReportAsync(HttpContext http)
    {
        AgentStatsReport? report;
        try
        {
            report = await JsonSerializer.DeserializeAsync(http.Request.Body, AgentJsonContext.Default.AgentStatsReport, http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await JsonResponses.WriteErrorAsync(http.Response, 400, "SerializationException", e.Message).ConfigureAwait(false);
            return;
        }
        await samples.AddAsync(report?.Tasks ?? [], http.RequestAborted).ConfigureAwait(false);
        await JsonResponses.WriteAsync(http.Response, 200, "{}"u8.ToArray()).ConfigureAwait(false);
    }
}
