using Berth.Api.Protocol;
using Berth.Control.Daemons;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.State;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.Daemons;

/// <summary>
/// RegisterDaemonTaskDefinition, DescribeDaemonTaskDefinition, ListDaemonTaskDefinitions and DeleteDaemonTaskDefinition.
/// Families and revisions work as task definitions' do: the family counter and the new revision move in one commit.
/// </summary>
internal sealed class DaemonTaskDefinitionHandler(IStateStore store)
{
    public void Register(JsonService service) => service
        .Add<RegisterDaemonTaskDefinitionRequest, RegisterDaemonTaskDefinitionResponse>(RegisterAsync)
        .Add<DescribeDaemonTaskDefinitionRequest, DescribeDaemonTaskDefinitionResponse>(DescribeAsync)
        .Add<ListDaemonTaskDefinitionsRequest, ListDaemonTaskDefinitionsResponse>(ListAsync)
        .Add<DeleteDaemonTaskDefinitionRequest, DeleteDaemonTaskDefinitionResponse>(DeleteAsync);

    private async Task<RegisterDaemonTaskDefinitionResponse> RegisterAsync(
        RegisterDaemonTaskDefinitionRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var validated = DaemonTaskDefinitions.Validate(request);
        var scope = context.Scope;
        var familyId = DaemonRecords.FamilyId(scope, request.Family!);
        var registered = await store.RetryOnConflictAsync(async ct =>
        {
            var family = await store.GetAsync(DaemonRecords.TaskDefinitionFamilies, familyId, ct).ConfigureAwait(false);
            var revision = (family?.Value.LastRevision ?? 0) + 1;
            var definition = DaemonTaskDefinitions.Build(request, validated, scope, revision, context.Now, context.PrincipalArn);
            var counter = new TaskDefinitionFamily(request.Family!, revision, (family?.Value.ActiveRevisions ?? 0) + 1);
            await store.CommitAsync(
            [
                DaemonRecords.PutTaskDefinitionFamily(scope, counter, family?.Version ?? 0),
                DaemonRecords.PutTaskDefinition(scope, new DaemonTaskDefinitionRecord(definition, request.Tags ?? []), 0),
            ], ct).ConfigureAwait(false);
            return definition;
        }, cancellationToken).ConfigureAwait(false);
        return new RegisterDaemonTaskDefinitionResponse { DaemonTaskDefinitionArn = registered.DaemonTaskDefinitionArn };
    }

    private async Task<DescribeDaemonTaskDefinitionResponse> DescribeAsync(
        DescribeDaemonTaskDefinitionRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var found = await DaemonTaskDefinitionLookup.FindAsync(store, context.Scope, Require.NotBlank(request.DaemonTaskDefinition, "daemonTaskDefinition"), cancellationToken)
            .ConfigureAwait(false) ?? throw new ClientException("Unable to describe daemon task definition.");
        return new DescribeDaemonTaskDefinitionResponse { DaemonTaskDefinition = found.Value.Definition };
    }

    /// <summary>
    /// familyPrefix is a prefix of family names and family an exact one; status defaults to ACTIVE (ALL lists every
    /// status); LAST_REGISTERED keeps each family's newest revision of those. Ordered by family and revision.
    /// </summary>
    private async Task<ListDaemonTaskDefinitionsResponse> ListAsync(
        ListDaemonTaskDefinitionsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        Require.OneOf(request.Status, EcsEnums.DaemonTaskDefinitionStatusFilter, "status");
        Require.OneOf(request.Revision, EcsEnums.DaemonTaskDefinitionRevisionFilter, "revision");
        Require.OneOf(request.Sort, EcsEnums.SortOrder, "sort");
        Require.InRange(request.MaxResults, 1, Paging.DefaultMaxResults, "maxResults");
        var status = request.Status ?? DaemonTaskDefinitions.Active;
        var query = new RecordQuery(DaemonRecords.TaskDefinitions.Kind, context.Scope.EcsArnPrefix)
        {
            SortKeyPrefix = request.Family is { } family ? family + " " : request.FamilyPrefix,
        };
        var all = (await store.QueryAsync(DaemonRecords.TaskDefinitions, query, cancellationToken).ConfigureAwait(false))
            .Where(r => status == "ALL" || r.Value.Definition.Status == status)
            .ToList();
        if (request.Revision == "LAST_REGISTERED")
        {
            all = [.. all.GroupBy(r => r.Value.Definition.Family, StringComparer.Ordinal).Select(g => g.Last())];
        }
        if (request.Sort == "DESC")
        {
            all.Reverse();
        }
        // The page token is the position's sort key, so it is compared in the list's own order.
        var ordered = all.Select((r, i) => (Key: i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture), Record: r)).ToList();
        var page = Paging.Slice(ordered, o => o.Key, request.MaxResults ?? Paging.DefaultMaxResults, request.NextToken);
        return new ListDaemonTaskDefinitionsResponse
        {
            DaemonTaskDefinitions = [.. page.Items.Select(o => DaemonViews.Summary(o.Record.Value.Definition))],
            NextToken = page.NextToken,
        };
    }

    /// <summary>
    /// An ACTIVE revision moves to DELETE_IN_PROGRESS: no daemon can be created from it any more, and daemons that run it
    /// keep running (the API reference), so Berth keeps the record they read; deleting it twice is a ClientException.
    /// </summary>
    private async Task<DeleteDaemonTaskDefinitionResponse> DeleteAsync(
        DeleteDaemonTaskDefinitionRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var name = Require.NotBlank(request.DaemonTaskDefinition, "daemonTaskDefinition");
        if (!DaemonTaskDefinitionRef.TryParse(context.Scope, name, out var reference) || DaemonTaskDefinitionRef.ArnOf(reference) is not { } arn)
        {
            throw new ClientException($"Invalid revision number. The daemon task definition must be given as family:revision or as an ARN: '{name}'.");
        }
        await store.RetryOnConflictAsync(async ct =>
        {
            var current = await store.GetAsync(DaemonRecords.TaskDefinitions, arn, ct).ConfigureAwait(false)
                ?? throw new ClientException("The specified daemon task definition does not exist.");
            if (current.Value.Definition.Status != DaemonTaskDefinitions.Active)
            {
                throw new ClientException("The specified daemon task definition is not in ACTIVE status.");
            }
            var deleting = current.Value with
            {
                Definition = current.Value.Definition with { Status = DaemonTaskDefinitions.DeleteInProgress, DeleteRequestedAt = context.Now },
            };
            await store.CommitAsync([DaemonRecords.PutTaskDefinition(reference.Scope, deleting, current.Version)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return new DeleteDaemonTaskDefinitionResponse { DaemonTaskDefinitionArn = arn };
    }
}
