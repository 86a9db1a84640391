using System.Globalization;
using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.LoadBalancing;
using Berth.Core.Elb;
using Berth.Store;

namespace Berth.Api.Elb;

/// <summary>CreateRule, DescribeRules, DeleteRule: path-pattern and host-header conditions with forward actions.</summary>
internal sealed class RuleHandler(ElbLookup lookup, ElbChanges changes, Random random)
{
    private IStateStore Store => lookup.Store;

    public void Register(QueryService service) => service
        .Add<CreateRuleInput, CreateRuleOutput>(CreateAsync)
        .Add<DescribeRulesInput, DescribeRulesOutput>(DescribeAsync)
        .Add<DeleteRuleInput, DeleteRuleOutput>(DeleteAsync);

    private async Task<CreateRuleOutput> CreateAsync(CreateRuleInput request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.Priority is not (>= 1 and <= 50000) || request.Priority is not { } priority)
        {
            throw new Berth.Core.Errors.QueryValidationException("Priority must be between 1 and 50000.");
        }
        var conditions = RuleConditions.Normalize(request.Conditions);
        var actions = ElbActionRules.Normalize(request.Actions);
        var rule = await Store.RetryOnConflictAsync(async ct =>
        {
            var listener = await lookup.ListenerAsync(request.ListenerArn, ct).ConfigureAwait(false);
            await ListenerHandler.RequireTargetGroupsAsync(lookup, actions, ct).ConfigureAwait(false);
            var claimId = ElbRecords.PriorityClaimId(listener.Id, priority);
            if (await Store.GetAsync(ElbRecords.Claims, claimId, ct).ConfigureAwait(false) is not null)
            {
                throw new PriorityInUseException($"Priority '{priority}' is currently in use");
            }
            var created = new Rule
            {
                RuleArn = ElbArns.Rule(listener.Id, ElbArns.NewId(random)),
                Priority = priority.ToString(CultureInfo.InvariantCulture),
                Conditions = conditions,
                Actions = actions,
                IsDefault = false,
            };
            await Store.CommitAsync(
            [
                ElbRecords.Rules.Put(created.RuleArn, listener.Id, ElbRecords.PrioritySortKey(priority), new RuleRecord(created, priority, request.Tags ?? []), 0),
                ElbRecords.Claim(claimId, created.RuleArn),
            ], ct).ConfigureAwait(false);
            return created;
        }, cancellationToken).ConfigureAwait(false);
        changes.Notify();
        return new CreateRuleOutput { Rules = [rule] };
    }

    /// <summary>A listener's rules in priority order, ending with its default rule (its default actions), as ELB lists them.</summary>
    private async Task<DescribeRulesOutput> DescribeAsync(DescribeRulesInput request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.RuleArns is { Count: > 0 } arns)
        {
            var found = new List<Rule>();
            foreach (var arn in arns.Distinct(StringComparer.Ordinal))
            {
                found.Add(arn.EndsWith(DefaultRuleSuffix, StringComparison.Ordinal)
                    ? DefaultRule((await lookup.ListenerAsync(ElbTopology.ListenerArnOf(arn), cancellationToken).ConfigureAwait(false)).Value.Listener)
                    : (await lookup.RuleAsync(arn, cancellationToken).ConfigureAwait(false)).Value.Rule);
            }
            return new DescribeRulesOutput { Rules = found };
        }
        if (request.ListenerArn is null)
        {
            throw new Berth.Core.Errors.QueryValidationException("You must specify either rule ARNs or a listener ARN.");
        }
        var listener = await lookup.ListenerAsync(request.ListenerArn, cancellationToken).ConfigureAwait(false);
        var rules = await lookup.RulesOfAsync(listener.Id, cancellationToken).ConfigureAwait(false);
        return new DescribeRulesOutput { Rules = [.. rules.Select(r => r.Value.Rule), DefaultRule(listener.Value.Listener)] };
    }

    private async Task<DeleteRuleOutput> DeleteAsync(DeleteRuleInput request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.RuleArn?.EndsWith(DefaultRuleSuffix, StringComparison.Ordinal) == true)
        {
            throw new OperationNotPermittedException("Default rules cannot be deleted");
        }
        await Store.RetryOnConflictAsync(async ct =>
        {
            var rule = await lookup.RuleAsync(request.RuleArn, ct).ConfigureAwait(false);
            await Store.CommitAsync(await ElbDeletions.RuleAsync(Store, ElbTopology.ListenerArnOf(rule.Id), rule, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        changes.Notify();
        return new DeleteRuleOutput();
    }

    private const string DefaultRuleSuffix = "/default";

    /// <summary>
    /// The default rule is not stored: it is the listener's default actions. Its ARN is the listener's
    /// rule ARN with the id "default", so it is stable and recognisable.
    /// </summary>
    private static Rule DefaultRule(Listener listener) => new()
    {
        RuleArn = ElbArns.Rule(listener.ListenerArn!, "default"),
        Priority = "default",
        Conditions = [],
        Actions = listener.DefaultActions,
        IsDefault = true,
    };
}
