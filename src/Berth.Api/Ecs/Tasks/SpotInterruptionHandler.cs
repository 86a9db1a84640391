using System.Text.Json;
using Berth.Api.Protocol;
using Berth.Control.Services;
using Berth.Control.Tasks;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Store;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Ecs.Tasks;

/// <summary>
/// <c>POST /_berth/spot/v1/interrupt</c> (operator API, used by <c>berth spot interrupt</c>): AWS reclaims Spot
/// capacity on its own; here an operator plays AWS. The body is StopTask's (<c>{"task": "&lt;task ARN&gt;"}</c>) and so
/// is the answer (<c>{"task": …}</c>); errors are ECS's shape. The stop goes through the same path as StopTask, so the
/// agent gives the containers their stopTimeout between SIGTERM and SIGKILL.
/// </summary>
internal sealed class SpotInterruptionHandler(IStateStore store, TaskStopper stopper, ServiceSignal services, TimeProvider time)
{
    public async Task InterruptAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        try
        {
            var request = await JsonSerializer.DeserializeAsync(http.Request.Body, EcsJsonContext.Default.StopTaskRequest, cancellationToken).ConfigureAwait(false);
            var taskArn = request?.Task is { Length: > 0 } arn ? arn : throw new InvalidParameterException("task (a task ARN) is required.");
            SpotInterruption.Check((await store.GetAsync(EcsRecords.Tasks, taskArn, cancellationToken).ConfigureAwait(false))?.Value, taskArn);
            var task = await stopper.RequestStopAsync(taskArn, SpotInterruption.Reason, SpotInterruption.StopCode, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            // The service scheduler starts the replacement now, while the interrupted task still has its notice period.
            services.Notify();
            var body = JsonSerializer.SerializeToUtf8Bytes(new StopTaskResponse { Task = task is null ? null : ManagedCapacity.AsReported(task) },
                EcsJsonContext.Default.StopTaskResponse);
            await JsonResponses.WriteAsync(http.Response, StatusCodes.Status200OK, body).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await JsonResponses.WriteErrorAsync(http.Response, StatusCodes.Status400BadRequest, "SerializationException", e.Message).ConfigureAwait(false);
        }
        catch (EcsException e)
        {
            await JsonResponses.WriteErrorAsync(http.Response, e.HttpStatus, e.ErrorCode, e.Message).ConfigureAwait(false);
        }
    }
}
