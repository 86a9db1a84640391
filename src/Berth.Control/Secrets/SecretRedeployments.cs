using Berth.Control.Services;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Services;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Control.Secrets;

/// <summary>
/// Beyond ECS: a service tagged <c>berth:redeploy-on-secret-change=true</c> gets a new deployment (as UpdateService
/// with forceNewDeployment, through <see cref="ServiceUpdate"/>) when a parameter or secret its containers read
/// (<c>secrets</c>, log <c>secretOptions</c>) selects a new version: an overwritten parameter, a new AWSCURRENT secret
/// version, a moved label. Each pass compares what every valueFrom selects now with what the service's record last saw
/// (<see cref="SchedulerState.SecretVersions"/>) and commits the deployment and what it saw together, expecting the
/// record's version: a new version is acted on exactly once, whichever server sees it first, and one that lands while
/// the server is down is seen by the first pass after the start. Versions that land between two passes make one
/// deployment. The first look at a service (or at a new task definition of it) has nothing to compare with: it deploys
/// only for versions made after the PRIMARY deployment was created, which its tasks may not have.
/// </summary>
public sealed class SecretRedeployments(IStateStore store, SecretValueResolver resolver, ServiceSignal signal, TimeProvider time)
{
    public const string TagKey = "berth:redeploy-on-secret-change";

    /// <returns>How many services got a new deployment.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var services = await store.QueryAsync(EcsRecords.Services, new RecordQuery(EcsRecords.Services.Kind, null), cancellationToken).ConfigureAwait(false);
        var deployed = 0;
        foreach (var service in services.Where(s => OptedIn(s.Value.Service) || s.Value.Scheduler.SecretVersions is not null))
        {
            if (await CheckAsync(service.Id, cancellationToken).ConfigureAwait(false))
            {
                deployed++;
            }
        }
        if (deployed > 0)
        {
            signal.Notify();
        }
        return deployed;
    }

    /// <remarks>An EXTERNAL service has no deployment to start: its controller deploys new task sets itself.</remarks>
    private static bool OptedIn(Service service) =>
        service.Status == ServiceStatuses.Active && !TaskSetRules.RunsTaskSets(service) && service.Tags?.Any(t => t.Key == TagKey && t.Value == "true") == true;

    /// <returns>Whether the service got a new deployment.</returns>
    private Task<bool> CheckAsync(string serviceArn, CancellationToken cancellationToken) =>
        store.RetryOnConflictAsync(async ct =>
        {
            if (await store.GetAsync(EcsRecords.Services, serviceArn, ct).ConfigureAwait(false) is not { } record)
            {
                return false;
            }
            var (service, seen) = (record.Value.Service, record.Value.Scheduler.SecretVersions);
            var now = time.GetUtcNow();
            var versions = OptedIn(service) ? await VersionsAsync(service, ct).ConfigureAwait(false) : null;
            var watch = versions is null ? null : new SecretVersionWatch(service.TaskDefinition!, versions.ToDictionary(v => v.Key, v => v.Value.Id, StringComparer.Ordinal));
            List<string> changed = versions is null ? []
                : seen is not null && seen.TaskDefinitionArn == service.TaskDefinition
                    ? [.. versions.Where(v => !seen.Versions.TryGetValue(v.Key, out var before) || before != v.Value.Id).Select(v => v.Key)]
                    // A first look: versions made after the deployment began may have missed its tasks.
                    : [.. versions.Where(v => v.Value.Created > PrimaryCreatedAt(service)).Select(v => v.Key)];
            if (changed.Count == 0 && Same(seen, watch))
            {
                return false;
            }
            var updated = changed.Count == 0 ? service : Redeploy(service, changed, now);
            var next = record.Value with { Service = updated, Scheduler = record.Value.Scheduler with { SecretVersions = watch } };
            await store.CommitAsync([EcsRecords.PutService(next, record.Version)], ct).ConfigureAwait(false);
            return changed.Count > 0;
        }, cancellationToken);

    /// <summary>
    /// The PRIMARY deployment comes first in a service's deployments. Its time is kept to the millisecond, so a version
    /// made in that millisecond counts as newer: one deployment too many rather than tasks that may lack the value.
    /// </summary>
    private static DateTimeOffset PrimaryCreatedAt(Service service) => service.Deployments?.FirstOrDefault()?.CreatedAt ?? DateTimeOffset.MaxValue;

    /// <summary>What each valueFrom of the service's task definition selects now; null when the definition is gone.</summary>
    private async Task<IReadOnlyDictionary<string, SelectedVersion>?> VersionsAsync(Service service, CancellationToken cancellationToken)
    {
        var definition = await store.GetAsync(EcsRecords.TaskDefinitions, service.TaskDefinition!, cancellationToken).ConfigureAwait(false);
        if (definition is null || !EcsArn.TryParse(service.ServiceArn, out var arn))
        {
            return null;
        }
        var versions = new Dictionary<string, SelectedVersion>(StringComparer.Ordinal);
        foreach (var valueFrom in ValueFroms(definition.Value.Definition))
        {
            if (await resolver.VersionAsync(valueFrom, arn.Scope, cancellationToken).ConfigureAwait(false) is { } version)
            {
                versions[valueFrom] = version;
            }
        }
        return versions;
    }

    private static IEnumerable<string> ValueFroms(TaskDefinition definition) => (definition.ContainerDefinitions ?? [])
        .SelectMany(c => (c.Secrets ?? []).Concat(c.LogConfiguration?.SecretOptions ?? []))
        .Select(s => s.ValueFrom!)
        .Distinct(StringComparer.Ordinal);

    private static bool Same(SecretVersionWatch? a, SecretVersionWatch? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.TaskDefinitionArn == b.TaskDefinitionArn && a.Versions.Count == b.Versions.Count
                && a.Versions.All(v => b.Versions.TryGetValue(v.Key, out var other) && other == v.Value);

    /// <summary>UpdateService's forceNewDeployment, with an event saying why.</summary>
    private static Service Redeploy(Service service, IReadOnlyList<string> changed, DateTimeOffset now)
    {
        var force = new UpdateServiceRequest { Service = service.ServiceArn, ForceNewDeployment = true };
        var deployed = ServiceUpdate.Apply(service, force, definition: null, ServiceRules.NewDeploymentId(Random.Shared), now);
        return deployed with
        {
            Events = ServiceEvents.Prepend(deployed.Events, [ServiceEvents.SecretsChanged(service.ServiceName!, changed)], now, () => Guid.NewGuid().ToString()),
        };
    }
}
