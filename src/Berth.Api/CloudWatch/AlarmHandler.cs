using Berth.Api.Protocol;
using Berth.Control.Alarms;
using Berth.Core.CloudWatch;

namespace Berth.Api.CloudWatch;

/// <summary>The metric alarm operations over <see cref="MetricAlarms"/>, and the tag operations (alarms are what Berth tags).</summary>
internal sealed class AlarmHandler(MetricAlarms alarms)
{
    public void Register(JsonService service) => service
        .Add<PutMetricAlarmInput, PutMetricAlarmOutput>(async (input, context, ct) =>
        {
            await alarms.PutAsync(input, context.Scope, context.Now, ct).ConfigureAwait(false);
            return new PutMetricAlarmOutput();
        })
        .Add<DescribeAlarmsInput, DescribeAlarmsOutput>((input, context, ct) => alarms.DescribeAsync(input, context.Scope, ct))
        .Add<DescribeAlarmsForMetricInput, DescribeAlarmsForMetricOutput>(async (input, context, ct) =>
            new DescribeAlarmsForMetricOutput { MetricAlarms = await alarms.ForMetricAsync(input, context.Scope, ct).ConfigureAwait(false) })
        .Add<DeleteAlarmsInput, DeleteAlarmsOutput>(async (input, context, ct) =>
        {
            await alarms.DeleteAsync(input.AlarmNames, context.Scope, context.Now, ct).ConfigureAwait(false);
            return new DeleteAlarmsOutput();
        })
        .Add<SetAlarmStateInput, SetAlarmStateOutput>(async (input, context, ct) =>
        {
            await alarms.SetStateAsync(input, context.Scope, context.Now, ct).ConfigureAwait(false);
            return new SetAlarmStateOutput();
        })
        .Add<EnableAlarmActionsInput, EnableAlarmActionsOutput>(async (input, context, ct) =>
        {
            await alarms.SetActionsEnabledAsync(input.AlarmNames, enabled: true, context.Scope, ct).ConfigureAwait(false);
            return new EnableAlarmActionsOutput();
        })
        .Add<DisableAlarmActionsInput, DisableAlarmActionsOutput>(async (input, context, ct) =>
        {
            await alarms.SetActionsEnabledAsync(input.AlarmNames, enabled: false, context.Scope, ct).ConfigureAwait(false);
            return new DisableAlarmActionsOutput();
        })
        .Add<DescribeAlarmHistoryInput, DescribeAlarmHistoryOutput>((input, context, ct) => alarms.HistoryAsync(input, context.Scope, context.Now, ct))
        .Add<TagResourceInput, TagResourceOutput>(async (input, context, ct) =>
        {
            await alarms.TagAsync(input.ResourceARN, input.Tags, context.Scope, ct).ConfigureAwait(false);
            return new TagResourceOutput();
        })
        .Add<UntagResourceInput, UntagResourceOutput>(async (input, context, ct) =>
        {
            await alarms.UntagAsync(input.ResourceARN, input.TagKeys, context.Scope, ct).ConfigureAwait(false);
            return new UntagResourceOutput();
        })
        .Add<ListTagsForResourceInput, ListTagsForResourceOutput>(async (input, context, ct) =>
            new ListTagsForResourceOutput { Tags = await alarms.TagsAsync(input.ResourceARN, context.Scope, ct).ConfigureAwait(false) });
}
