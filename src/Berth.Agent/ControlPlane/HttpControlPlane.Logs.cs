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
    public async Task<bool> GroupExistsAsync(LogsCaller caller, string group, CancellationToken cancellationToken)
    {
        // The exact name sorts first among the names it prefixes.
        var response = await SendLogsAsync("DescribeLogGroups", caller, new DescribeLogGroupsRequest { LogGroupNamePrefix = group, Limit = 1 },
            LogsJsonContext.Default.DescribeLogGroupsRequest, LogsJsonContext.Default.DescribeLogGroupsResponse, cancellationToken).ConfigureAwait(false);
        return response.LogGroups is [{ LogGroupName: var name }] && name == group;
    }

    public async Task CreateGroupAsync(LogsCaller caller, string group, CancellationToken cancellationToken)
    {
        try
        {
            await SendLogsAsync("CreateLogGroup", caller, new CreateLogGroupRequest { LogGroupName = group },
                LogsJsonContext.Default.CreateLogGroupRequest, LogsJsonContext.Default.DescribeLogGroupsResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlPlaneException e) when (e.ErrorCode == "ResourceAlreadyExistsException")
        {
        }
    }

    public async Task CreateStreamAsync(LogsCaller caller, string group, string stream, CancellationToken cancellationToken)
    {
        try
        {
            await SendLogsAsync("CreateLogStream", caller, new CreateLogStreamRequest { LogGroupName = group, LogStreamName = stream },
                LogsJsonContext.Default.CreateLogStreamRequest, LogsJsonContext.Default.DescribeLogGroupsResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlPlaneException e) when (e.ErrorCode == "ResourceAlreadyExistsException")
        {
        }
    }

    public Task PutAsync(LogsCaller caller, string group, string stream, IReadOnlyList<InputLogEvent> events, CancellationToken cancellationToken) =>
        SendLogsAsync("PutLogEvents", caller, new PutLogEventsRequest { LogGroupName = group, LogStreamName = stream, LogEvents = events },
            LogsJsonContext.Default.PutLogEventsRequest, LogsJsonContext.Default.PutLogEventsResponse, cancellationToken);

    /// <remarks>
    /// Operations without an output answer <c>{}</c>, which any response record reads; the region travels in the SigV4
    /// credential scope, which is where the server takes it from, as the ECS agent sends awslogs to awslogs-region, and
    /// a task's output is signed with its execution role's credentials, as the ECS agent writes it.
    /// </remarks>
    private Task<TResponse> SendLogsAsync<TRequest, TResponse>(string operation, LogsCaller caller, TRequest request,
        JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendAsync(new Uri("/", UriKind.Relative), JsonContent(request, requestType, AmzJson), responseType, RequestTimeout,
            new SigningScope("logs", caller.Region, caller.As), headers => headers.Add("X-Amz-Target", $"{LogsOperations.TargetPrefix}.{operation}"), cancellationToken);
}
