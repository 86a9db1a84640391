using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.LoadBalancing;
using Berth.Core.Elb;
using Berth.Store;

namespace Berth.Api.Elb;

/// <summary>AddTags, RemoveTags, DescribeTags for load balancers, target groups, listeners and rules.</summary>
internal sealed class ElbTagHandler(ElbLookup lookup)
{
    /// <summary>ELB allows 50 tags per resource.</summary>
    private const int MaxTags = 50;

    private IStateStore Store => lookup.Store;

    public void Register(QueryService service) => service
        .Add<AddTagsInput, AddTagsOutput>(AddAsync)
        .Add<RemoveTagsInput, RemoveTagsOutput>(RemoveAsync)
        .Add<DescribeTagsInput, DescribeTagsOutput>(DescribeAsync);

    private async Task<AddTagsOutput> AddAsync(AddTagsInput request, RequestContext context, CancellationToken cancellationToken)
    {
        var added = request.Tags ?? [];
        if (added.GroupBy(t => t.Key).Any(g => g.Count() > 1))
        {
            throw new DuplicateTagKeysException("Tag keys must be unique.");
        }
        foreach (var arn in request.ResourceArns ?? [])
        {
            await ChangeTagsAsync(arn, tags =>
            {
                var next = tags.Where(t => added.All(a => a.Key != t.Key)).Concat(added).ToList();
                return next.Count <= MaxTags ? next : throw new TooManyTagsException($"A resource can have at most {MaxTags} tags.");
            }, cancellationToken).ConfigureAwait(false);
        }
        return new AddTagsOutput();
    }

    private async Task<RemoveTagsOutput> RemoveAsync(RemoveTagsInput request, RequestContext context, CancellationToken cancellationToken)
    {
        var keys = (request.TagKeys ?? []).ToHashSet(StringComparer.Ordinal);
        foreach (var arn in request.ResourceArns ?? [])
        {
            await ChangeTagsAsync(arn, tags => tags.Where(t => !keys.Contains(t.Key ?? "")).ToList(), cancellationToken).ConfigureAwait(false);
        }
        return new RemoveTagsOutput();
    }

    private async Task<DescribeTagsOutput> DescribeAsync(DescribeTagsInput request, RequestContext context, CancellationToken cancellationToken)
    {
        var descriptions = new List<TagDescription>();
        foreach (var arn in request.ResourceArns ?? [])
        {
            descriptions.Add(new TagDescription { ResourceArn = arn, Tags = await TagsOfAsync(arn, cancellationToken).ConfigureAwait(false) });
        }
        return new DescribeTagsOutput { TagDescriptions = descriptions };
    }

    private async Task<IReadOnlyList<Tag>> TagsOfAsync(string arn, CancellationToken cancellationToken) => ElbArns.KindOf(arn) switch
    {
        "loadbalancer" => (await lookup.LoadBalancerAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Tags,
        "targetgroup" => (await lookup.TargetGroupAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Tags,
        "listener" => (await lookup.ListenerAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Tags,
        "listener-rule" => (await lookup.RuleAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Tags,
        _ => throw new Berth.Core.Errors.QueryValidationException($"'{arn}' is not a valid load balancer, target group, listener or rule ARN."),
    };

    private Task ChangeTagsAsync(string arn, Func<IReadOnlyList<Tag>, IReadOnlyList<Tag>> change, CancellationToken cancellationToken) => ElbArns.KindOf(arn) switch
    {
        "loadbalancer" => ChangeAsync(ElbRecords.LoadBalancers, lookup.LoadBalancerAsync, arn, _ => ElbArns.PrefixOf(arn),
            r => r with { Tags = change(r.Tags) }, cancellationToken),
        "targetgroup" => ChangeAsync(ElbRecords.TargetGroups, lookup.TargetGroupAsync, arn, _ => ElbArns.PrefixOf(arn),
            r => r with { Tags = change(r.Tags) }, cancellationToken),
        "listener" => ChangeAsync(ElbRecords.Listeners, lookup.ListenerAsync, arn, r => r.Listener.LoadBalancerArn!,
            r => r with { Tags = change(r.Tags) }, cancellationToken),
        "listener-rule" => ChangeAsync(ElbRecords.Rules, lookup.RuleAsync, arn, _ => ElbTopology.ListenerArnOf(arn),
            r => r with { Tags = change(r.Tags) }, cancellationToken),
        _ => throw new Berth.Core.Errors.QueryValidationException($"'{arn}' is not a valid load balancer, target group, listener or rule ARN."),
    };

    private Task ChangeAsync<T>(
        RecordType<T> type,
        Func<string?, CancellationToken, Task<Versioned<T>>> read,
        string arn,
        Func<T, string> scopeOf,
        Func<T, T> change,
        CancellationToken cancellationToken) =>
        Store.RetryOnConflictAsync(async ct =>
        {
            var current = await read(arn, ct).ConfigureAwait(false);
            var next = change(current.Value);
            await Store.CommitAsync([type.Put(current.Id, scopeOf(current.Value), current.SortKey, next, current.Version)], ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
}
