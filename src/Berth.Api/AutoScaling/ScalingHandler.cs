using Berth.Api.Protocol;
using Berth.Control.AutoScaling;
using Berth.Core.AutoScaling;

namespace Berth.Api.AutoScaling;

/// <summary>Every Application Auto Scaling operation Berth serves (all but GetPredictiveScalingForecast), over Control's services.</summary>
internal sealed class ScalingHandler(ScalableTargets targets, ScalingPolicies policies, ScheduledActions scheduled)
{
    public void Register(JsonService service) => service
        .Add<RegisterScalableTargetRequest, RegisterScalableTargetResponse>(async (request, context, ct) =>
            new RegisterScalableTargetResponse { ScalableTargetARN = await targets.RegisterAsync(request, context.Scope, context.Now, ct).ConfigureAwait(false) })
        .Add<DescribeScalableTargetsRequest, DescribeScalableTargetsResponse>((request, context, ct) => targets.DescribeAsync(request, context.Scope, ct))
        .Add<DeregisterScalableTargetRequest, DeregisterScalableTargetResponse>(async (request, context, ct) =>
        {
            await targets.DeregisterAsync(request, context.Scope, context.Now, ct).ConfigureAwait(false);
            return new DeregisterScalableTargetResponse();
        })
        .Add<PutScalingPolicyRequest, PutScalingPolicyResponse>((request, context, ct) => policies.PutAsync(request, context.Scope, context.Now, ct))
        .Add<DescribeScalingPoliciesRequest, DescribeScalingPoliciesResponse>((request, context, ct) => policies.DescribeAsync(request, context.Scope, ct))
        .Add<DeleteScalingPolicyRequest, DeleteScalingPolicyResponse>(async (request, context, ct) =>
        {
            await policies.DeleteAsync(request, context.Scope, context.Now, ct).ConfigureAwait(false);
            return new DeleteScalingPolicyResponse();
        })
        .Add<PutScheduledActionRequest, PutScheduledActionResponse>(async (request, context, ct) =>
        {
            await scheduled.PutAsync(request, context.Scope, context.Now, ct).ConfigureAwait(false);
            return new PutScheduledActionResponse();
        })
        .Add<DescribeScheduledActionsRequest, DescribeScheduledActionsResponse>((request, context, ct) => scheduled.DescribeAsync(request, context.Scope, ct))
        .Add<DeleteScheduledActionRequest, DeleteScheduledActionResponse>(async (request, context, ct) =>
        {
            await scheduled.DeleteAsync(request, context.Scope, ct).ConfigureAwait(false);
            return new DeleteScheduledActionResponse();
        })
        .Add<DescribeScalingActivitiesRequest, DescribeScalingActivitiesResponse>((request, context, ct) => targets.ActivitiesAsync(request, context.Scope, ct))
        .Add<TagResourceRequest, TagResourceResponse>(async (request, context, ct) =>
        {
            await targets.TagAsync(request.ResourceARN, request.Tags, context.Scope, ct).ConfigureAwait(false);
            return new TagResourceResponse();
        })
        .Add<UntagResourceRequest, UntagResourceResponse>(async (request, context, ct) =>
        {
            await targets.UntagAsync(request.ResourceARN, request.TagKeys, context.Scope, ct).ConfigureAwait(false);
            return new UntagResourceResponse();
        })
        .Add<ListTagsForResourceRequest, ListTagsForResourceResponse>(async (request, context, ct) =>
            new ListTagsForResourceResponse { Tags = await targets.TagsAsync(request.ResourceARN, context.Scope, ct).ConfigureAwait(false) });
}
