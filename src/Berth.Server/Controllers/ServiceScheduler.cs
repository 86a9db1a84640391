using Berth.Control.Services;
using Berth.Core.Arns;
using Berth.Core.Services;
using Berth.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// The ECS service scheduler: runs a round for a service whenever one of its tasks changed (a task report names it),
/// for every live service when something else changed (a service request, a stopped task) and at least every
/// <see cref="ServerOptions.ServiceSchedulerInterval"/> (<see cref="ReconcileEachController"/>). Each round is
/// level-triggered (<see cref="ServicePlanner"/>), so a missed wake-up or a restart only delays convergence.
/// </summary>
internal sealed class ServiceScheduler(
    IStateStore store, ServiceReconciler reconciler, ServiceSignal signal, ServerOptions options, TimeProvider time, ILogger<ServiceScheduler> logger)
    : ReconcileEachController(options.ServiceSchedulerInterval, time, logger, signal)
{
    protected override async Task<IEnumerable<string>> SubjectsAsync(CancellationToken cancellationToken)
    {
        var services = await store.QueryAsync(EcsRecords.Services, new RecordQuery(EcsRecords.Services.Kind, null), cancellationToken).ConfigureAwait(false);
        return services.Where(s => s.Value.Service.Status != ServiceStatuses.Inactive).Select(s => s.Id);
    }

    protected override bool IsSubject(string id) => EcsArn.TryParse(id, out var arn) && arn.ResourceType == "service";

    protected override Task ReconcileAsync(string id, CancellationToken cancellationToken) => reconciler.ReconcileAsync(id, cancellationToken);
}
