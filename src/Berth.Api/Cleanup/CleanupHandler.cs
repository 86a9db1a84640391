using System.Globalization;
using System.Text.Json;
using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.Cleanup;
using Berth.Core.Arns;
using Berth.Core.Cleanup;
using Berth.Core.Ecs;
using Berth.Core.Elb;
using Berth.Core.Errors;
using Berth.Core.Logs;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Cleanup;

/// <summary>
/// <c>GET /_berth/cleanup</c> (the report) and <c>POST /_berth/cleanup</c> (the report, then each leftover's action),
/// used by <c>berth cleanup</c>, for the root user like every operator route. Actions run through the very operations
/// the API answers (DeleteService, DeleteTaskDefinitions, …) as the root user, so they check and change exactly what
/// those calls would; an action the API refuses is reported with its reason and the rest go on.
/// </summary>
internal sealed class CleanupHandler(
    CleanupSnapshots snapshots, IEnumerable<JsonService> jsonServices, IEnumerable<QueryService> queryServices, ApiOptions options, TimeProvider time)
{
    public const string Route = "/_berth/cleanup";

    private readonly OperationTable _ecs = jsonServices.Single(s => s.TargetPrefix == EcsOperations.TargetPrefix).Operations;
    private readonly OperationTable _logs = jsonServices.Single(s => s.TargetPrefix == LogsOperations.TargetPrefix).Operations;
    private readonly OperationTable _elb = queryServices.Single(s => s.Model.SigningName == "elasticloadbalancing").Operations;

    public Task<CleanupReport> ReportAsync(HttpContext http, string requestId) =>
        RunAsync(http, requestId, new CleanupRequest(Number(http, "idleDays"), Number(http, "retentionDays")), apply: false);

    public Task<CleanupReport> ApplyAsync(HttpContext http, ReadOnlyMemory<byte> body, CleanupRequest request, string requestId) =>
        RunAsync(http, requestId, request, apply: true);

    private async Task<CleanupReport> RunAsync(HttpContext http, string requestId, CleanupRequest request, bool apply)
    {
        var policy = CleanupPolicy.Of(request.IdleDays, request.RetentionDays);
        var now = time.GetUtcNow();
        // Signed: the root user's own context (its region); unsigned (auth off): the server's account and default region.
        var context = http.Features.Get<RequestContext>() ?? Unsigned(requestId, now);
        var snapshot = await snapshots.ReadAsync(context.Scope, http.RequestAborted).ConfigureAwait(false);
        var leftovers = CleanupRules.Find(snapshot, now, policy);
        if (!apply)
        {
            return new CleanupReport(policy.IdleDays, policy.RetentionDays, leftovers, null);
        }
        var applied = new List<CleanupOutcome>();
        foreach (var leftover in leftovers.Where(l => l.Action is not null))
        {
            applied.Add(new CleanupOutcome(leftover.Kind, leftover.Resource,
                await ActAsync(leftover, policy, context, http.RequestAborted).ConfigureAwait(false)));
        }
        return new CleanupReport(policy.IdleDays, policy.RetentionDays, leftovers, applied);
    }

    /// <summary>Runs the leftover's action; null when done, else why the API refused it.</summary>
    private async Task<string?> ActAsync(Leftover leftover, CleanupPolicy policy, RequestContext context, CancellationToken cancellationToken)
    {
        var (table, operation, body) = leftover.Kind switch
        {
            LeftoverKinds.Service => (_ecs, "DeleteService", JsonSerializer.SerializeToUtf8Bytes(
                new DeleteServiceRequest { Cluster = ClusterOf(leftover.Resource), Service = leftover.Resource }, EcsJsonContext.Default.DeleteServiceRequest)),
            LeftoverKinds.TaskDefinition => (_ecs, "DeleteTaskDefinitions", JsonSerializer.SerializeToUtf8Bytes(
                new DeleteTaskDefinitionsRequest { TaskDefinitions = [leftover.Resource] }, EcsJsonContext.Default.DeleteTaskDefinitionsRequest)),
            LeftoverKinds.ContainerInstance => (_ecs, "DeregisterContainerInstance", JsonSerializer.SerializeToUtf8Bytes(
                new DeregisterContainerInstanceRequest { Cluster = ClusterOf(leftover.Resource), ContainerInstance = leftover.Resource, Force = true },
                EcsJsonContext.Default.DeregisterContainerInstanceRequest)),
            LeftoverKinds.LoadBalancer => (_elb, "DeleteLoadBalancer", JsonSerializer.SerializeToUtf8Bytes(
                new DeleteLoadBalancerInput { LoadBalancerArn = leftover.Resource }, ElbJsonContext.Default.DeleteLoadBalancerInput)),
            LeftoverKinds.TargetGroup => (_elb, "DeleteTargetGroup", JsonSerializer.SerializeToUtf8Bytes(
                new DeleteTargetGroupInput { TargetGroupArn = leftover.Resource }, ElbJsonContext.Default.DeleteTargetGroupInput)),
            LeftoverKinds.LogGroup => (_logs, "PutRetentionPolicy", JsonSerializer.SerializeToUtf8Bytes(
                new PutRetentionPolicyRequest { LogGroupName = leftover.Resource, RetentionInDays = policy.RetentionDays }, LogsJsonContext.Default.PutRetentionPolicyRequest)),
            _ => throw new InvalidOperationException($"No action for leftover kind {leftover.Kind}."),
        };
        try
        {
            var result = await table.Find(operation)!.InvokeAsync(() => body, context, cancellationToken).ConfigureAwait(false);
            // DeleteTaskDefinitions answers a revision it cannot delete as a failure, not an error.
            return result.Value is DeleteTaskDefinitionsResponse { Failures: [var failure, ..] } ? failure.Reason : null;
        }
        catch (AwsServiceException e)
        {
            return $"{e.ErrorCode}: {e.Message}";
        }
    }

    private RequestContext Unsigned(string requestId, DateTimeOffset now)
    {
        var scope = new ResourceScope(options.DefaultRegion, options.AccountId);
        return new RequestContext(scope, requestId, scope.RootPrincipalArn, now);
    }

    /// <summary>The cluster of a long-format service or container instance ARN (<c>…:service/CLUSTER/NAME</c>).</summary>
    private static string ClusterOf(string arn) => arn.Split('/')[^2];

    private static int? Number(HttpContext http, string name) => http.Request.Query[name].ToString() switch
    {
        "" => null,
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) => value,
        var text => throw new ValidationException($"{name} '{text}' is not a whole number."),
    };
}
