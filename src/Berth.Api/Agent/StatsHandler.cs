using System.Text.Json;
using Berth.Api.Protocol;
using Berth.Control.Utilization;
using Berth.Core.Agent;
using Berth.Core.State;
using Berth.Store;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Agent;

/// <summary>
/// <c>POST /_berth/agent/v1/stats</c>: agents' resource-use samples, handed to <see cref="UtilizationSamples"/>. An agent
/// sends samples of its own instance's tasks only: the metrics of another's are refused, not merged.
/// </summary>
internal sealed class StatsHandler(UtilizationSamples samples, IStateStore store)
{
    public async Task ReportAsync(HttpContext http)
    {
        AgentStatsReport? report;
        try
        {
            report = await JsonSerializer.DeserializeAsync(http.Request.Body, StateJsonContext.Default.AgentStatsReport, http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await JsonResponses.WriteErrorAsync(http.Response, 400, "SerializationException", e.Message).ConfigureAwait(false);
            return;
        }
        if (AgentCaller.InstanceOf(http) is { } own && report is not null && await NotOwnAsync(report, own, http.RequestAborted).ConfigureAwait(false) is { } other)
        {
            await AgentCaller.RefuseAsync(http, $"report stats of {other}").ConfigureAwait(false);
            return;
        }
        await samples.AddAsync(report?.Tasks ?? [], http.RequestAborted).ConfigureAwait(false);
        await JsonResponses.WriteAsync(http.Response, 200, "{}"u8.ToArray()).ConfigureAwait(false);
    }

    /// <summary>The first instance or task of the report that is not the agent's own, or null.</summary>
    private async Task<string?> NotOwnAsync(AgentStatsReport report, string own, CancellationToken cancellationToken)
    {
        if (report.ContainerInstanceArn != own)
        {
            return report.ContainerInstanceArn;
        }
        foreach (var sample in report.Tasks ?? [])
        {
            if ((await store.GetAsync(EcsRecords.Tasks, sample.TaskArn, cancellationToken).ConfigureAwait(false))?.Value.ContainerInstanceArn != own)
            {
                return sample.TaskArn;
            }
        }
        return null;
    }
}
