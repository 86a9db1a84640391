using Berth.Core.Ecs;
using Berth.Core.Services;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Control.Services;

/// <summary>
/// The I/O around <see cref="ServiceHistory"/>: reads the service deployments a service's links name and the task
/// definitions of new deployments, and returns the writes that go into the same commit as the service, so the history
/// never disagrees with the deployments DescribeServices shows. A deleted (INACTIVE) service's history is deleted with
/// it, as ECS deletes a service's revisions with the service.
/// </summary>
public sealed class ServiceDeploymentHistory(IStateStore store)
{
    public sealed record Synced(ServiceRecord Record, IReadOnlyList<RecordWrite> Writes);

    /// <param name="before">The record as read, or null for a new service.</param>
    /// <param name="after">The record about to be committed.</param>
    public async Task<Synced> SyncAsync(ServiceRecord? before, ServiceRecord after, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var service = after.Service;
        if (service.Status == ServiceStatuses.Inactive)
        {
            return await DeleteAsync(after, cancellationToken).ConfigureAwait(false);
        }
        var links = after.Scheduler.Links;
        var live = (service.Deployments ?? []).Where(d => d.Status != DeploymentStatuses.Inactive).ToList();
        if (before is not null
            && (before.Service.Deployments ?? []).SequenceEqual(service.Deployments ?? [])
            && before.Scheduler.Shift == after.Scheduler.Shift
            && live.All(d => links.Any(l => l.DeploymentId == d.Id)))
        {
            return new Synced(after, []);
        }

        var known = await store.GetManyAsync(EcsRecords.ServiceDeployments, [.. links.Select(l => l.ServiceDeploymentArn)], cancellationToken).ConfigureAwait(false);
        var images = new Dictionary<string, IReadOnlyList<ContainerImage>>(StringComparer.Ordinal);
        foreach (var arn in live.Where(d => links.All(l => l.DeploymentId != d.Id)).Select(d => d.TaskDefinition ?? "").Distinct(StringComparer.Ordinal))
        {
            var definition = await store.GetAsync(EcsRecords.TaskDefinitions, arn, cancellationToken).ConfigureAwait(false);
            images[arn] = [.. (definition?.Value.Definition.ContainerDefinitions ?? [])
                .Select(c => new ContainerImage { ContainerName = c.Name, Image = c.Image })];
        }

        var changes = ServiceHistory.Sync(
            service, links, known.ToDictionary(k => k.Key, k => k.Value.Value, StringComparer.Ordinal), arn => images.GetValueOrDefault(arn) ?? [], now, after.Scheduler.Shift,
            after.Scheduler.AlarmTriggers);
        var writes = new List<RecordWrite>();
        writes.AddRange(changes.Deployments.Select(d =>
            EcsRecords.PutServiceDeployment(d, known.TryGetValue(d.ServiceDeploymentArn!, out var stored) ? stored.Version : 0)));
        writes.AddRange(changes.Revisions.Select(r => EcsRecords.PutServiceRevision(r, 0)));
        return new Synced(
            after with { Service = ServiceHistory.WithCurrent(service, changes.Links), Scheduler = after.Scheduler with { Links = changes.Links } }, writes);
    }

    private async Task<Synced> DeleteAsync(ServiceRecord after, CancellationToken cancellationToken)
    {
        var scope = after.Service.ServiceArn;
        var deployments = await store.QueryAsync(EcsRecords.ServiceDeployments, new RecordQuery(EcsRecords.ServiceDeployments.Kind, scope), cancellationToken).ConfigureAwait(false);
        var revisions = await store.QueryAsync(EcsRecords.ServiceRevisions, new RecordQuery(EcsRecords.ServiceRevisions.Kind, scope), cancellationToken).ConfigureAwait(false);
        RecordWrite[] writes = [.. deployments.Select(EcsRecords.ServiceDeployments.Delete), .. revisions.Select(EcsRecords.ServiceRevisions.Delete)];
        return new Synced(after with { Scheduler = after.Scheduler with { Links = [] } }, writes);
    }
}
