using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.LoadBalancing;
using Berth.Core.Elb;

namespace Berth.Api.Elb;

/// <summary>RegisterTargets, DeregisterTargets, DescribeTargetHealth: the wire over <see cref="TargetRegistrations"/>.</summary>
internal sealed class TargetHandler(TargetRegistrations registrations)
{
    public void Register(QueryService service) => service
        .Add<RegisterTargetsInput, RegisterTargetsOutput>(RegisterAsync)
        .Add<DeregisterTargetsInput, DeregisterTargetsOutput>(DeregisterAsync)
        .Add<DescribeTargetHealthInput, DescribeTargetHealthOutput>(DescribeHealthAsync);

    private async Task<RegisterTargetsOutput> RegisterAsync(RegisterTargetsInput request, RequestContext context, CancellationToken cancellationToken)
    {
        await registrations.RegisterAsync(request.TargetGroupArn ?? "", RequireTargets(request.Targets), cancellationToken).ConfigureAwait(false);
        return new RegisterTargetsOutput();
    }

    private async Task<DeregisterTargetsOutput> DeregisterAsync(DeregisterTargetsInput request, RequestContext context, CancellationToken cancellationToken)
    {
        await registrations.DeregisterAsync(request.TargetGroupArn ?? "", RequireTargets(request.Targets), cancellationToken).ConfigureAwait(false);
        return new DeregisterTargetsOutput();
    }

    private async Task<DescribeTargetHealthOutput> DescribeHealthAsync(DescribeTargetHealthInput request, RequestContext context, CancellationToken cancellationToken) =>
        new() { TargetHealthDescriptions = await registrations.DescribeHealthAsync(request.TargetGroupArn ?? "", request.Targets ?? [], cancellationToken).ConfigureAwait(false) };

    private static IReadOnlyList<TargetDescription> RequireTargets(IReadOnlyList<TargetDescription>? targets) =>
        targets is { Count: > 0 } ? targets : throw new Berth.Core.Errors.QueryValidationException("At least one target must be specified.");
}
