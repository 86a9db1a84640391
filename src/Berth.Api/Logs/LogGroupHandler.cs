using Berth.Api.Protocol;
using Berth.Core.Errors;
using Berth.Core.Logs;
using Berth.Store.Logs;

namespace Berth.Api.Logs;

/// <summary>CreateLogGroup, DeleteLogGroup, DescribeLogGroups, PutRetentionPolicy and DeleteRetentionPolicy.</summary>
internal sealed class LogGroupHandler(ILogStore store, LogLookup lookup)
{
    private const int MaxDescribe = 50;

    public void Register(JsonService service) => service
        .AddWithoutOutput<CreateLogGroupRequest, CreateLogGroupResponse>(CreateAsync)
        .AddWithoutOutput<DeleteLogGroupRequest, DeleteLogGroupResponse>(DeleteAsync)
        .Add<DescribeLogGroupsRequest, DescribeLogGroupsResponse>(DescribeAsync)
        .AddWithoutOutput<PutRetentionPolicyRequest, PutRetentionPolicyResponse>(PutRetentionAsync)
        .AddWithoutOutput<DeleteRetentionPolicyRequest, DeleteRetentionPolicyResponse>(DeleteRetentionAsync);

    private async Task CreateAsync(CreateLogGroupRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var name = LogNames.Group(request.LogGroupName);
        LogRequests.Refuse(request.KmsKeyId is not null, "kmsKeyId: Berth does not encrypt log groups with KMS keys.");
        LogRequests.Refuse(request.Tags is { Count: > 0 }, "tags: Berth does not tag log groups yet.");
        LogRequests.Refuse(request.DeletionProtectionEnabled == true, "deletionProtectionEnabled: Berth does not protect log groups from deletion yet.");
        LogRequests.Refuse(request.LogGroupClass is not (null or "STANDARD"), "logGroupClass: Berth keeps every log group in the STANDARD class.");
        if (await store.CreateGroupAsync(LogRequests.ScopeKey(context), name, context.Now.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false) is null)
        {
            throw LogsErrors.GroupExists();
        }
    }

    private async Task DeleteAsync(DeleteLogGroupRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var group = await lookup.GroupAsync(request.LogGroupName, null, context, cancellationToken).ConfigureAwait(false);
        await store.DeleteGroupAsync(group.Id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DescribeLogGroupsResponse> DescribeAsync(DescribeLogGroupsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        LogRequests.Refuse(request.LogGroupNamePattern is not null, "logGroupNamePattern: Berth filters log groups by logGroupNamePrefix only.");
        LogRequests.Refuse(request.LogGroupIdentifiers is not null, "logGroupIdentifiers: Berth filters log groups by logGroupNamePrefix only.");
        LogRequests.Refuse(request.AccountIdentifiers is not null || request.IncludeLinkedAccounts == true, "Berth has no linked accounts.");
        LogRequests.Refuse(request.LogGroupClass is { } wanted && !LogsEnums.LogGroupClass.Contains(wanted),
            $"logGroupClass must be one of {string.Join(", ", LogsEnums.LogGroupClass)}.");
        var limit = LogRequests.Limit(request.Limit, MaxDescribe);
        var after = request.NextToken is { } token ? LogRequests.DecodeName(token) : null;
        var rows = await store.ListGroupsAsync(LogRequests.ScopeKey(context), request.LogGroupNamePrefix, after, limit + 1, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(limit).ToList();
        return new DescribeLogGroupsResponse
        {
            LogGroups = page.Where(g => request.LogGroupClass is null or "STANDARD").Select(g => new LogGroup
            {
                LogGroupName = g.Name,
                CreationTime = g.CreationTime,
                RetentionInDays = g.RetentionInDays,
                MetricFilterCount = 0,
                Arn = LogNames.GroupArn(context.Scope, g.Name) + ":*",
                LogGroupArn = LogNames.GroupArn(context.Scope, g.Name),
                StoredBytes = g.StoredBytes,
                LogGroupClass = "STANDARD",
                DeletionProtectionEnabled = false,
            }).ToList(),
            NextToken = rows.Count > limit ? LogRequests.EncodeName(page[^1].Name) : null,
        };
    }

    private async Task PutRetentionAsync(PutRetentionPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var days = RetentionPeriods.Validate(request.RetentionInDays);
        var group = await lookup.GroupAsync(request.LogGroupName, null, context, cancellationToken).ConfigureAwait(false);
        await store.SetRetentionAsync(group.Id, days, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteRetentionAsync(DeleteRetentionPolicyRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var group = await lookup.GroupAsync(request.LogGroupName, null, context, cancellationToken).ConfigureAwait(false);
        await store.SetRetentionAsync(group.Id, null, cancellationToken).ConfigureAwait(false);
    }
}
