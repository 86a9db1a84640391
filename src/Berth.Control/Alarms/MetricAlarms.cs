using System.Text.Json;
using Berth.Control.Observability;
using Berth.Core.Alarms;
using Berth.Core.Arns;
using Berth.Core.CloudWatch;
using Berth.Core.Metrics;
using Berth.Store;
using Berth.Store.Metrics;

namespace Berth.Control.Alarms;

/// <summary>
/// CloudWatch metric alarms: one store record each, their history, and their evaluation against the metric store
/// (<see cref="EvaluateAllAsync"/>, which the server runs every minute as CloudWatch does). Actions run on every state
/// change and, because Berth's only actions are Auto Scaling policies, again at every evaluation while the alarm stays
/// in the state (CloudWatch: "for Auto Scaling actions, the alarm continues to invoke the action once per minute").
/// </summary>
public sealed class MetricAlarms(IStateStore store, IMetricStore metrics, MetricClock clock, IEnumerable<IAlarmActionHandler> actionHandlers)
{
    private const int DefaultAlarmPage = 50;
    private const int DefaultHistoryPage = 100;

    public Task PutAsync(PutMetricAlarmInput input, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = AlarmRules.ValidateName(input.AlarmName);
        return store.RetryOnConflictAsync(async ct =>
        {
            var current = await GetAsync(scope, name, ct).ConfigureAwait(false);
            var alarm = AlarmRules.Build(input, current?.Value.Alarm, scope, now);
            // Tags are set when the alarm is created; an update leaves them as they are (TagResource changes them).
            var tags = current?.Value.Tags ?? AlarmRules.Tags(input.Tags, []);
            await store.CommitAsync(
            [
                AlarmRecords.PutAlarm(scope, new AlarmRecord(alarm, tags), current?.Version ?? 0),
                AlarmRecords.AddHistory(scope, AlarmHistory.Configuration(alarm, current is null ? "Create" : "Update", now)),
            ], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public async Task<DescribeAlarmsOutput> DescribeAsync(DescribeAlarmsInput input, ResourceScope scope, CancellationToken cancellationToken)
    {
        var size = PageSize(input.MaxRecords, DefaultAlarmPage);
        if (input.StateValue is { } state && !AlarmStates.All.Contains(state))
        {
            throw new InvalidParameterValueException($"The value {state} for parameter StateValue is not valid.");
        }
        if (input.AlarmNames is { Count: > 100 })
        {
            throw new InvalidParameterValueException("The collection AlarmNames must not have a size greater than 100.");
        }
        // Berth has no composite alarms: asking for only those, or for an alarm's parents or children, finds none.
        var wantsMetricAlarms = input.AlarmTypes is not { Count: > 0 } types || types.Contains("MetricAlarm");
        if (!wantsMetricAlarms || input.ChildrenOfAlarmName is not null || input.ParentsOfAlarmName is not null)
        {
            return new DescribeAlarmsOutput { MetricAlarms = [], CompositeAlarms = [] };
        }
        var matching = (await AllAsync(scope, input.AlarmNamePrefix, cancellationToken).ConfigureAwait(false))
            .Select(a => a.Value.Alarm)
            .Where(a => input.AlarmNames is not { Count: > 0 } names || names.Contains(a.AlarmName!))
            .Where(a => input.StateValue is null || a.StateValue == input.StateValue)
            .Where(a => input.ActionPrefix is not { } prefix || AllActions(a).Any(x => x.StartsWith(prefix, StringComparison.Ordinal)))
            .Where(a => input.NextToken is not { } token || string.CompareOrdinal(a.AlarmName, token) > 0)
            .Take(size + 1)
            .ToList();
        var page = matching.Take(size).ToList();
        return new DescribeAlarmsOutput
        {
            MetricAlarms = page,
            CompositeAlarms = [],
            NextToken = matching.Count > size ? page[^1].AlarmName : null,
        };
    }

    public async Task<IReadOnlyList<MetricAlarm>> ForMetricAsync(DescribeAlarmsForMetricInput input, ResourceScope scope, CancellationToken cancellationToken)
    {
        var series = MetricSeries.Create(MetricDataRules.Require(input.Namespace, "Namespace"), MetricDataRules.Require(input.MetricName, "MetricName"), input.Dimensions);
        return [.. (await AllAsync(scope, null, cancellationToken).ConfigureAwait(false))
            .Select(a => a.Value.Alarm)
            .Where(a => AlarmRules.SeriesOf(a).Equals(series))
            .Where(a => (input.Statistic is null || a.Statistic == input.Statistic) && input.ExtendedStatistic is null)
            .Where(a => (input.Period is null || a.Period == input.Period) && (input.Unit is null || a.Unit == input.Unit))];
    }

    /// <summary>Deletes the named alarms, all or none: a name that is not an alarm fails the whole request.</summary>
    public Task DeleteAsync(IReadOnlyList<string>? names, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var given = names is { Count: > 0 } n ? n : throw new MissingRequiredParameterException("AlarmNames");
        if (given.Count > 100)
        {
            throw new InvalidParameterValueException("The collection AlarmNames must not have a size greater than 100.");
        }
        return store.RetryOnConflictAsync(async ct =>
        {
            var writes = new List<RecordWrite>();
            foreach (var name in given.Distinct(StringComparer.Ordinal))
            {
                var alarm = await GetAsync(scope, name, ct).ConfigureAwait(false) ?? throw new ResourceNotFound($"Alarm {name} does not exist.");
                writes.Add(AlarmRecords.Alarms.Delete(alarm));
                writes.Add(AlarmRecords.AddHistory(scope, AlarmHistory.Configuration(alarm.Value.Alarm, "Delete", now)));
            }
            await store.CommitAsync(writes, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>SetAlarmState: the alarm takes the state until its next evaluation; a change runs its actions.</summary>
    public async Task SetStateAsync(SetAlarmStateInput input, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = AlarmRules.ValidateName(input.AlarmName);
        var state = MetricDataRules.Require(input.StateValue, "StateValue");
        if (!AlarmStates.All.Contains(state))
        {
            throw new InvalidParameterValueException($"The value {state} for parameter StateValue is not valid.");
        }
        var reason = input.StateReason ?? throw new MissingRequiredParameterException("StateReason");
        if (reason.Length > 1023 || input.StateReasonData is { Length: > 4000 })
        {
            throw new InvalidParameterValueException("StateReason is at most 1023 characters and StateReasonData at most 4000.");
        }
        if (input.StateReasonData is { } data && !IsJson(data))
        {
            throw new InvalidFormatFault("Invalid JSON in StateReasonData.");
        }
        var changed = await store.RetryOnConflictAsync(async ct =>
        {
            var current = await GetAsync(scope, name, ct).ConfigureAwait(false) ?? throw new ResourceNotFound($"Alarm {name} does not exist.");
            return await TransitionAsync(scope, current, state, reason, input.StateReasonData, now, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (changed is not null)
        {
            await RunActionsAsync(scope, changed, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Enable/DisableAlarmActions; names that are not alarms are passed over, as CloudWatch does.</summary>
    public async Task SetActionsEnabledAsync(IReadOnlyList<string>? names, bool enabled, ResourceScope scope, CancellationToken cancellationToken)
    {
        var given = names is { Count: > 0 } n ? n : throw new MissingRequiredParameterException("AlarmNames");
        foreach (var name in given.Distinct(StringComparer.Ordinal))
        {
            await store.RetryOnConflictAsync(async ct =>
            {
                if (await GetAsync(scope, name, ct).ConfigureAwait(false) is { } current && current.Value.Alarm.ActionsEnabled != enabled)
                {
                    var updated = current.Value with { Alarm = current.Value.Alarm with { ActionsEnabled = enabled } };
                    await store.CommitAsync([AlarmRecords.PutAlarm(scope, updated, current.Version)], ct).ConfigureAwait(false);
                }
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<DescribeAlarmHistoryOutput> HistoryAsync(DescribeAlarmHistoryInput input, ResourceScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var size = PageSize(input.MaxRecords, DefaultHistoryPage);
        if (input.HistoryItemType is { } type && !CloudWatchEnums.HistoryItemType.Contains(type))
        {
            throw new InvalidParameterValueException($"The value {type} for parameter HistoryItemType is not valid.");
        }
        if (input.ScanBy is { } scan && !CloudWatchEnums.ScanBy.Contains(scan))
        {
            throw new InvalidParameterValueException($"The value {scan} for parameter ScanBy is not valid.");
        }
        var items = await store.QueryAsync(AlarmRecords.History, new RecordQuery(AlarmRecords.History.Kind, AlarmRecords.Scope(scope))
        {
            Descending = input.ScanBy != "TimestampAscending",
            After = input.NextToken,
        }, cancellationToken).ConfigureAwait(false);
        var since = now - AlarmHistory.Retention;
        var matching = items
            .Where(i => i.Value.Timestamp >= since && (input.StartDate is null || i.Value.Timestamp >= input.StartDate) && (input.EndDate is null || i.Value.Timestamp <= input.EndDate))
            .Where(i => (input.AlarmName is null || i.Value.AlarmName == input.AlarmName) && (input.HistoryItemType is null || i.Value.HistoryItemType == input.HistoryItemType))
            .Where(i => input.AlarmTypes is not { Count: > 0 } types || types.Contains("MetricAlarm"))
            .Take(size + 1)
            .ToList();
        var page = matching.Take(size).ToList();
        return new DescribeAlarmHistoryOutput
        {
            AlarmHistoryItems = [.. page.Select(i => i.Value)],
            NextToken = matching.Count > size ? page[^1].SortKey : null,
        };
    }

    public async Task<IReadOnlyList<Tag>> TagsAsync(string? arn, ResourceScope scope, CancellationToken cancellationToken) =>
        (await TaggedAsync(arn, scope, cancellationToken).ConfigureAwait(false)).Value.Tags;

    public Task TagAsync(string? arn, IReadOnlyList<Tag>? tags, ResourceScope scope, CancellationToken cancellationToken) =>
        RetagAsync(arn, scope, existing => AlarmRules.Tags(tags is { Count: > 0 } t ? t : throw new MissingRequiredParameterException("Tags"), existing), cancellationToken);

    public Task UntagAsync(string? arn, IReadOnlyList<string>? keys, ResourceScope scope, CancellationToken cancellationToken)
    {
        var removed = keys ?? throw new MissingRequiredParameterException("TagKeys");
        return RetagAsync(arn, scope, existing => [.. existing.Where(t => !removed.Contains(t.Key!))], cancellationToken);
    }

    /// <summary>One evaluation of every alarm of every account and region at <paramref name="now"/>; the count of state changes.</summary>
    public async Task<int> EvaluateAllAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var alarms = await store.QueryAsync(AlarmRecords.Alarms, new RecordQuery(AlarmRecords.Alarms.Kind, Scope: null), cancellationToken).ConfigureAwait(false);
        var changes = 0;
        foreach (var alarm in alarms)
        {
            var scope = ScopeOfArn(alarm.Value.Alarm.AlarmArn!);
            var changed = await EvaluateAsync(scope, alarm.Value.Alarm.AlarmName!, now, cancellationToken).ConfigureAwait(false);
            changes += changed ? 1 : 0;
        }
        return changes;
    }

    /// <summary>Deletes history items older than CloudWatch keeps them.</summary>
    public async Task<int> PurgeHistoryAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var items = await store.QueryAsync(AlarmRecords.History, new RecordQuery(AlarmRecords.History.Kind, Scope: null), cancellationToken).ConfigureAwait(false);
        var expired = items.Where(i => i.Value.Timestamp < now - AlarmHistory.Retention).Select(i => (RecordWrite)AlarmRecords.History.Delete(i)).ToList();
        if (expired.Count > 0)
        {
            await store.CommitAsync(expired, cancellationToken).ConfigureAwait(false);
        }
        return expired.Count;
    }

    private async Task<bool> EvaluateAsync(ResourceScope scope, string name, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await store.RetryOnConflictAsync(async ct =>
        {
            if (await GetAsync(scope, name, ct).ConfigureAwait(false) is not { } current)
            {
                return (Changed: false, Alarm: (MetricAlarm?)null);
            }
            var alarm = current.Value.Alarm;
            // Periods are in metric time (shortened only for tests); the alarm's timestamps stay real.
            var (start, end) = AlarmPeriods.Range(clock.ToMetric(now), alarm.Period!.Value, alarm.EvaluationPeriods!.Value);
            var stored = await metrics.ReadAsync(MetricScopes.Of(scope), AlarmRules.SeriesOf(alarm), start, end, ct).ConfigureAwait(false);
            var periods = AlarmPeriods.Datapoints(stored, alarm.Statistic!, alarm.Unit, start, end, alarm.Period!.Value);
            var outcome = AlarmEvaluator.Evaluate(AlarmRules.CriteriaOf(alarm), periods, alarm.StateValue!);
            if (outcome is null || outcome.State == alarm.StateValue)
            {
                return (Changed: false, Alarm: alarm);
            }
            var changed = await TransitionAsync(scope, current, outcome.State, outcome.Reason, AlarmHistory.ReasonData(alarm, periods, now), now, ct).ConfigureAwait(false);
            return (Changed: true, Alarm: changed);
        }, cancellationToken).ConfigureAwait(false);
        if (result.Alarm is not null)
        {
            await RunActionsAsync(scope, result.Alarm, now, cancellationToken).ConfigureAwait(false);
        }
        return result.Changed;
    }

    /// <summary>Moves the alarm to <paramref name="state"/> and records the change; the alarm as changed, or null when it already was in that state.</summary>
    private async Task<MetricAlarm?> TransitionAsync(ResourceScope scope, Versioned<AlarmRecord> current, string state, string reason, string? reasonData,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = current.Value.Alarm;
        var after = before with
        {
            StateValue = state,
            StateReason = reason,
            StateReasonData = reasonData,
            StateUpdatedTimestamp = now,
            StateTransitionedTimestamp = state == before.StateValue ? before.StateTransitionedTimestamp : now,
        };
        await store.CommitAsync(
        [
            AlarmRecords.PutAlarm(scope, current.Value with { Alarm = after }, current.Version),
            AlarmRecords.AddHistory(scope, AlarmHistory.State(before, after, now)),
        ], cancellationToken).ConfigureAwait(false);
        return state == before.StateValue ? null : after;
    }

    /// <summary>Runs the actions of the alarm's state, if its actions are enabled, recording each outcome in its history.</summary>
    private async Task RunActionsAsync(ResourceScope scope, MetricAlarm alarm, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var actions = alarm.StateValue switch
        {
            AlarmStates.Alarm => alarm.AlarmActions,
            AlarmStates.Ok => alarm.OKActions,
            _ => alarm.InsufficientDataActions,
        };
        if (alarm.ActionsEnabled != true || actions is not { Count: > 0 })
        {
            return;
        }
        var results = new List<RecordWrite>();
        foreach (var action in actions)
        {
            var handler = actionHandlers.FirstOrDefault(h => h.Handles(action));
            string? error;
            try
            {
                error = handler is null
                    ? "Berth has no handler for this action."
                    : await handler.InvokeAsync(action, alarm, scope, now, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One action failing (its service deleted meanwhile) is that action's failed history item, as on CloudWatch;
                // it must not stop the other actions or the rest of the evaluation pass.
                error = e.Message;
            }
            results.Add(AlarmRecords.AddHistory(scope, AlarmHistory.ActionResult(alarm, action, error, now)));
        }
        await store.CommitAsync(results, cancellationToken).ConfigureAwait(false);
    }

    private async Task RetagAsync(string? arn, ResourceScope scope, Func<IReadOnlyList<Tag>, IReadOnlyList<Tag>> change, CancellationToken cancellationToken) =>
        await store.RetryOnConflictAsync(async ct =>
        {
            var current = await TaggedAsync(arn, scope, ct).ConfigureAwait(false);
            await store.CommitAsync([AlarmRecords.PutAlarm(scope, current.Value with { Tags = change(current.Value.Tags) }, current.Version)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    private async Task<Versioned<AlarmRecord>> TaggedAsync(string? arn, ResourceScope scope, CancellationToken cancellationToken)
    {
        var given = MetricDataRules.Require(arn, "ResourceARN");
        var name = AlarmRules.NameOf(scope, given)
            ?? throw new InvalidParameterValueException($"Invalid ARN {given}: Berth tags alarms of this account and region (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME).");
        return await GetAsync(scope, name, cancellationToken).ConfigureAwait(false)
            ?? throw new TaggedResourceNotFoundException($"The alarm {name} does not exist.");
    }

    private Task<Versioned<AlarmRecord>?> GetAsync(ResourceScope scope, string name, CancellationToken cancellationToken) =>
        store.GetAsync(AlarmRecords.Alarms, AlarmRecords.AlarmId(scope, name), cancellationToken);

    private Task<IReadOnlyList<Versioned<AlarmRecord>>> AllAsync(ResourceScope scope, string? prefix, CancellationToken cancellationToken) =>
        store.QueryAsync(AlarmRecords.Alarms, new RecordQuery(AlarmRecords.Alarms.Kind, AlarmRecords.Scope(scope)) { SortKeyPrefix = prefix }, cancellationToken);

    private static IEnumerable<string> AllActions(MetricAlarm alarm) =>
        (alarm.AlarmActions ?? []).Concat(alarm.OKActions ?? []).Concat(alarm.InsufficientDataActions ?? []);

    private static int PageSize(int? maxRecords, int defaultSize) => maxRecords switch
    {
        null => defaultSize,
        >= 1 and <= 100 => maxRecords.Value,
        _ => throw new InvalidParameterValueException("The parameter MaxRecords must be between 1 and 100."),
    };

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME → its account and region.</summary>
    private static ResourceScope ScopeOfArn(string arn)
    {
        var parts = arn.Split(':', 6);
        return new ResourceScope(parts[3], parts[4]);
    }
}
