using Berth.Api.Protocol;
using Berth.Control.TaskDefinitions;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.State;
using Berth.Core.TaskDefinitions;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.TaskDefinitions;

/// <summary>
/// RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions, ListTaskDefinitionFamilies,
/// DeregisterTaskDefinition and DeleteTaskDefinitions.
/// </summary>
internal sealed class TaskDefinitionHandler(IStateStore store)
{
    /// <summary>DeleteTaskDefinitions takes at most 10 revisions per call.</summary>
    private const int MaxDelete = 10;

    public void Register(JsonService service) => service
        .Add<RegisterTaskDefinitionRequest, RegisterTaskDefinitionResponse>(RegisterAsync)
        .Add<DescribeTaskDefinitionRequest, DescribeTaskDefinitionResponse>(DescribeAsync)
        .Add<ListTaskDefinitionsRequest, ListTaskDefinitionsResponse>(ListAsync)
        .Add<ListTaskDefinitionFamiliesRequest, ListTaskDefinitionFamiliesResponse>(ListFamiliesAsync)
        .Add<DeregisterTaskDefinitionRequest, DeregisterTaskDefinitionResponse>(DeregisterAsync)
        .Add<DeleteTaskDefinitionsRequest, DeleteTaskDefinitionsResponse>(DeleteAsync);

    /// <summary>The next revision of the family and the family's counter move in one commit, so no revision is handed out twice.</summary>
    private async Task<RegisterTaskDefinitionResponse> RegisterAsync(
        RegisterTaskDefinitionRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var normalized = TaskDefinitionBuilder.Normalize(request);
        TaskDefinitionValidator.Validate(normalized);
        var scope = context.Scope;
        var familyId = EcsRecords.FamilyId(scope.EcsArnPrefix, normalized.Family!);
        var record = await store.RetryOnConflictAsync(async ct =>
        {
            var family = await store.GetAsync(EcsRecords.TaskDefinitionFamilies, familyId, ct).ConfigureAwait(false);
            var revision = (family?.Value.LastRevision ?? 0) + 1;
            var definition = TaskDefinitionBuilder.Build(normalized, scope, revision, context.Now, context.PrincipalArn);
            var stored = new TaskDefinitionRecord(definition, normalized.Tags ?? []);
            var counter = new TaskDefinitionFamily(normalized.Family!, revision, (family?.Value.ActiveRevisions ?? 0) + 1);
            await store.CommitAsync(
            [
                EcsRecords.PutTaskDefinitionFamily(scope.EcsArnPrefix, counter, family?.Version ?? 0),
                EcsRecords.PutTaskDefinition(stored, 0),
            ], ct).ConfigureAwait(false);
            return stored;
        }, cancellationToken).ConfigureAwait(false);
        return new RegisterTaskDefinitionResponse { TaskDefinition = record.Definition, Tags = NullIfEmpty(record.Tags) };
    }

    private async Task<DescribeTaskDefinitionResponse> DescribeAsync(
        DescribeTaskDefinitionRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        foreach (var field in request.Include ?? [])
        {
            Require.That(EcsEnums.TaskDefinitionField.Contains(field), $"Invalid include value '{field}'. Valid values are: TAGS.");
        }
        var found = await TaskDefinitionLookup.FindAsync(store, context.Scope, request.TaskDefinition, cancellationToken).ConfigureAwait(false)
            ?? throw new ClientException("Unable to describe task definition.");
        var withTags = request.Include?.Contains("TAGS") == true;
        return new DescribeTaskDefinitionResponse
        {
            TaskDefinition = found.Value.Definition,
            Tags = withTags ? found.Value.Tags : null,
        };
    }

    /// <summary>familyPrefix here is the full family name (ECS API reference); status defaults to ACTIVE.</summary>
    private async Task<ListTaskDefinitionsResponse> ListAsync(
        ListTaskDefinitionsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        Require.OneOf(request.Status, EcsEnums.TaskDefinitionStatus, "status");
        Require.OneOf(request.Sort, EcsEnums.SortOrder, "sort");
        var status = request.Status ?? "ACTIVE";
        var query = new RecordQuery(EcsRecords.TaskDefinitions.Kind, context.Scope.EcsArnPrefix)
        {
            SortKeyPrefix = request.FamilyPrefix is { } family ? family + " " : null,
            Descending = request.Sort == "DESC",
        };
        var page = await Paging.ReadAsync(store, EcsRecords.TaskDefinitions, query,
            r => r.Definition.Status == status, request.MaxResults, request.NextToken, cancellationToken).ConfigureAwait(false);
        return new ListTaskDefinitionsResponse
        {
            TaskDefinitionArns = page.Items.Select(r => r.Id).ToList(),
            NextToken = page.NextToken,
        };
    }

    /// <summary>familyPrefix here is a real prefix; without status both families with and without ACTIVE revisions are listed.</summary>
    private async Task<ListTaskDefinitionFamiliesResponse> ListFamiliesAsync(
        ListTaskDefinitionFamiliesRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        Require.OneOf(request.Status, EcsEnums.TaskDefinitionFamilyStatus, "status");
        Func<TaskDefinitionFamily, bool> include = request.Status switch
        {
            "ACTIVE" => f => f.ActiveRevisions > 0,
            "INACTIVE" => f => f.ActiveRevisions == 0,
            _ => _ => true,
        };
        var query = new RecordQuery(EcsRecords.TaskDefinitionFamilies.Kind, context.Scope.EcsArnPrefix) { SortKeyPrefix = request.FamilyPrefix };
        var page = await Paging.ReadAsync(store, EcsRecords.TaskDefinitionFamilies, query,
            include, request.MaxResults, request.NextToken, cancellationToken).ConfigureAwait(false);
        return new ListTaskDefinitionFamiliesResponse { Families = page.Items.Select(f => f.Value.Name).ToList(), NextToken = page.NextToken };
    }

    /// <summary>The revision becomes INACTIVE but stays describable; deregistering an INACTIVE one again is harmless.</summary>
    private async Task<DeregisterTaskDefinitionResponse> DeregisterAsync(
        DeregisterTaskDefinitionRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var reference = ParseWithRevision(context, request.TaskDefinition);
        var definition = await store.RetryOnConflictAsync(async ct =>
        {
            var current = await store.GetAsync(EcsRecords.TaskDefinitions, reference.Arn!, ct).ConfigureAwait(false)
                ?? throw new ClientException("The specified task definition does not exist.");
            if (current.Value.Definition.Status != "ACTIVE")
            {
                return current.Value.Definition;
            }
            var inactive = current.Value with
            {
                Definition = current.Value.Definition with { Status = "INACTIVE", DeregisteredAt = context.Now },
            };
            var familyId = EcsRecords.FamilyId(reference.Scope.EcsArnPrefix, reference.Family);
            var family = await store.GetAsync(EcsRecords.TaskDefinitionFamilies, familyId, ct).ConfigureAwait(false)
                ?? throw new InvalidDataException($"Family record {familyId} is missing.");
            var counter = family.Value with { ActiveRevisions = family.Value.ActiveRevisions - 1 };
            await store.CommitAsync(
            [
                EcsRecords.PutTaskDefinition(inactive, current.Version),
                EcsRecords.PutTaskDefinitionFamily(reference.Scope.EcsArnPrefix, counter, family.Version),
            ], ct).ConfigureAwait(false);
            return inactive.Definition;
        }, cancellationToken).ConfigureAwait(false);
        return new DeregisterTaskDefinitionResponse { TaskDefinition = definition };
    }

    /// <summary>
    /// Only INACTIVE revisions can be deleted; they move to DELETE_IN_PROGRESS, and the others are reported
    /// as failures with ECS's reasons rather than failing the whole call.
    /// </summary>
    private async Task<DeleteTaskDefinitionsResponse> DeleteAsync(
        DeleteTaskDefinitionsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var names = request.TaskDefinitions ?? [];
        Require.Count(names, MaxDelete, "taskDefinitions", "task definitions");
        var deleted = new List<TaskDefinition>();
        var failures = new List<Failure>();
        foreach (var name in names)
        {
            var reference = ParseWithRevision(context, name);
            var outcome = await store.RetryOnConflictAsync(async ct =>
            {
                var current = await store.GetAsync(EcsRecords.TaskDefinitions, reference.Arn!, ct).ConfigureAwait(false);
                if (current is null)
                {
                    return DeleteOutcome.Failed("The specified task definition does not exist.");
                }
                if (current.Value.Definition.Status == "ACTIVE")
                {
                    return DeleteOutcome.Failed("The specified task definition is still in ACTIVE status. Please deregister the target and try again.");
                }
                if (current.Value.Definition.Status == "DELETE_IN_PROGRESS")
                {
                    return new DeleteOutcome(current.Value.Definition, null);
                }
                var deleting = current.Value with
                {
                    Definition = current.Value.Definition with { Status = "DELETE_IN_PROGRESS", DeleteRequestedAt = context.Now },
                };
                await store.CommitAsync([EcsRecords.PutTaskDefinition(deleting, current.Version)], ct).ConfigureAwait(false);
                return new DeleteOutcome(deleting.Definition, null);
            }, cancellationToken).ConfigureAwait(false);
            if (outcome.Definition is { } definition)
            {
                deleted.Add(definition);
            }
            else
            {
                failures.Add(new Failure { Arn = reference.Arn, Reason = outcome.FailureReason });
            }
        }
        return new DeleteTaskDefinitionsResponse { TaskDefinitions = deleted, Failures = failures };
    }

    private static TaskDefinitionRef ParseWithRevision(RequestContext context, string? name) =>
        TaskDefinitionRef.TryParse(context.Scope, name, out var reference) && reference.Revision is not null
            ? reference
            : throw new ClientException($"Invalid revision number. The task definition must be given as family:revision or as an ARN: '{name}'.");

    private sealed record DeleteOutcome(TaskDefinition? Definition, string? FailureReason)
    {
        public static DeleteOutcome Failed(string reason) => new(null, reason);
    }

    private static IReadOnlyList<Tag>? NullIfEmpty(IReadOnlyList<Tag> tags) => tags.Count == 0 ? null : tags;
}
