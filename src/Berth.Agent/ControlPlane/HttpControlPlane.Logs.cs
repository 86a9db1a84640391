using System.Text.Json.Serialization.Metadata;
using Berth.Agent.Logs;
using Berth.Core.Logs;

namespace Berth.Agent.ControlPlane;

/// <summary>
/// Log shipping through the server's public CloudWatch Logs API, as any client would use it: nothing agent-only
/// to keep in step, and what the agent stored is exactly what <c>aws logs</c> reads back.
/// </summary>
internal sealed partial class HttpControlPlane : ILogsClient
{
    public async Task<bool> GroupExistsAsync(string? region, string group, CancellationToken cancellationToken)
    {
        // The exact name sorts first among the names it prefixes.
        var response = await SendLogsAsync("DescribeLogGroups", region, new DescribeLogGroupsRequest { LogGroupNamePrefix = group, Limit = 1 },
            LogsJsonContext.Default.DescribeLogGroupsRequest, LogsJsonContext.Default.DescribeLogGroupsResponse, cancellationToken).ConfigureAwait(false);
        return response.LogGroups is [{ LogGroupName: var name }] && name == group;
    }

    public async Task CreateGroupAsync(string? region, string group, CancellationToken cancellationToken)
    {
        try
        {
            await SendLogsAsync("CreateLogGroup", region, new CreateLogGroupRequest { LogGroupName = group },
                LogsJsonContext.Default.CreateLogGroupRequest, LogsJsonContext.Default.DescribeLogGroupsResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlPlaneException e) when (e.ErrorCode == "ResourceAlreadyExistsException")
        {
        }
    }

    public async Task CreateStreamAsync(string? region, string group, string stream, CancellationToken cancellationToken)
    {
        try
        {
            await SendLogsAsync("CreateLogStream", region, new CreateLogStreamRequest { LogGroupName = group, LogStreamName = stream },
                LogsJsonContext.Default.CreateLogStreamRequest, LogsJsonContext.Default.DescribeLogGroupsResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlPlaneException e) when (e.ErrorCode == "ResourceAlreadyExistsException")
        {
        }
    }

    public Task PutAsync(string? region, string group, string stream, IReadOnlyList<InputLogEvent> events, CancellationToken cancellationToken) =>
        SendLogsAsync("PutLogEvents", region, new PutLogEventsRequest { LogGroupName = group, LogStreamName = stream, LogEvents = events },
            LogsJsonContext.Default.PutLogEventsRequest, LogsJsonContext.Default.PutLogEventsResponse, cancellationToken);

    /// <remarks>
    /// Operations without an output answer <c>{}</c>, which any response record reads; the region travels in the SigV4
    /// credential scope, which is where the server takes it from, as the ECS agent sends awslogs to awslogs-region.
    /// </remarks>
    private Task<TResponse> SendLogsAsync<TRequest, TResponse>(string operation, string? region, TRequest request,
        JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendAsync(new Uri("/", UriKind.Relative), JsonContent(request, requestType, AmzJson), responseType, RequestTimeout,
            new SigningScope("logs", region), headers => headers.Add("X-Amz-Target", $"{LogsOperations.TargetPrefix}.{operation}"), cancellationToken);
}
