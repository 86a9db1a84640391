using Berth.Api.Query;
using Berth.Control.LoadBalancing;
using Berth.Core.Elb;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Elb;

/// <summary>The ELBv2 query service (Version 2015-12-01, signing name elasticloadbalancing) with every handler Berth has.</summary>
internal static class ElbApi
{
    public static IServiceCollection AddElbApi(this IServiceCollection services) => services.AddSingleton(s => Create(
        s.GetRequiredService<ElbLookup>(), s.GetRequiredService<TargetRegistrations>(), s.GetRequiredService<ElbChanges>()));

    private static QueryService Create(ElbLookup lookup, TargetRegistrations registrations, ElbChanges changes)
    {
        var random = Random.Shared;
        var service = new QueryService(ElbQuerySchema.Model, ElbJsonContext.Default);
        new LoadBalancerHandler(lookup, changes, random).Register(service);
        new TargetGroupHandler(lookup, changes, random).Register(service);
        new TargetHandler(registrations).Register(service);
        new ListenerHandler(lookup, changes, random).Register(service);
        new RuleHandler(lookup, changes, random).Register(service);
        new ElbTagHandler(lookup).Register(service);
        return service;
    }
}
