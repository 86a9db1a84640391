using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Berth.Core.Arns;
using Berth.Core.Identity.Authorization.Services;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// Maps every operation of every service Berth serves to its IAM action, the resources it is authorized against
/// and the condition keys it sets, as the Service Authorization Reference documents them. The operations are
/// botocore's (ServiceModels.g.cs, from eng/generate-service-models.py), so none is left out.
/// </summary>
public static class ActionCatalogue
{
    private static readonly IReadOnlyDictionary<string, (ServiceModel Model, ServiceAuthorization Rules)> ByService =
        new ServiceAuthorization[]
        {
            EcsAuthorization.Rules, LogsAuthorization.Rules, CloudWatchAuthorization.Rules, ElbAuthorization.Rules,
            IamAuthorization.Rules, StsAuthorization.Rules, SsmAuthorization.Rules, SecretsManagerAuthorization.Rules,
            AutoScalingAuthorization.Rules, CostExplorerAuthorization.Rules,
        }.ToDictionary(r => r.Service, r => (ServiceModels.All.Single(m => m.Service == r.Service), r), StringComparer.Ordinal);

    /// <summary>botocore's names of the services: ecs, logs, cloudwatch, elbv2, iam, sts, ssm, secretsmanager, application-autoscaling, ce.</summary>
    public static IReadOnlyCollection<string> Services => [.. ByService.Keys];

    /// <summary>The operations of a service's model.</summary>
    public static IReadOnlyCollection<string> Operations(string service) => [.. ByService[service].Model.Operations.Keys];

    /// <summary>
    /// The service's SigV4 signing name (<c>ecs</c>, <c>elasticloadbalancing</c>, <c>monitoring</c>…): the service a
    /// request's credential scope must name (<see cref="Signing.SigV4Verifier.TryInspect"/>'s expected service).
    /// </summary>
    public static string SigningName(string service) => ByService[service].Model.SigningName;

    /// <summary>The IAM action of an operation: <c>ecs:RunTask</c>.</summary>
    public static string Action(string service, string operation) => $"{ByService[service].Model.IamPrefix}:{operation}";

    /// <param name="service">botocore's service name (<see cref="Services"/>).</param>
    /// <param name="operation">The operation, as in the model (<c>RunTask</c>).</param>
    /// <param name="request">The request as the JSON of the operation's input shape.</param>
    /// <param name="scope">The region (from the credential scope) and account the request is for.</param>
    /// <param name="target">What the request must be authorized for.</param>
    /// <returns>False when the service or operation is not in the model.</returns>
    public static bool TryDescribe(string service, string operation, JsonElement request, ResourceScope scope,
        [NotNullWhen(true)] out AuthorizationTarget? target)
    {
        target = null;
        if (!ByService.TryGetValue(service, out var entry) || !entry.Model.Operations.ContainsKey(operation))
        {
            return false;
        }
        var rules = entry.Rules;
        var rule = rules.Operations.GetValueOrDefault(operation);
        var resources = rule switch
        {
            null => [],
            { Custom: { } custom } => custom(request, scope).ToList(),
            { ArnMembers.Count: > 0 } => ResourceResolver.Arns(rules, rule.ArnMembers, request).ToList(),
            _ => rule.ResourceTypes.SelectMany(t => ResourceResolver.Resolve(rules, rules.Type(t), request, scope)).ToList(),
        };
        var context = RequestTagKeys(request);
        context = rules.ConditionKeys?.Invoke(operation, request, scope, rules, context) ?? context;
        target = new AuthorizationTarget(Action(service, operation), resources.Count == 0 ? [RequestedResource.Any] : resources, context,
            RequiresAuthorization: rule?.AlwaysAllowed != true);
        return true;
    }

    /// <summary>aws:RequestTag/* and aws:TagKeys, from the tags a request sets or the tag keys it removes.</summary>
    private static RequestContext RequestTagKeys(JsonElement request)
    {
        var context = RequestContext.Empty;
        var keys = new List<string>();
        if (RequestMembers.Tags(request) is { } tags)
        {
            context = context.WithTags("aws:RequestTag/", tags);
            keys.AddRange(tags.Keys);
        }
        keys.AddRange(RequestMembers.All(request, "tagKeys").Concat(RequestMembers.All(request, "TagKeys")));
        return keys.Count == 0 ? context : context.With("aws:TagKeys", keys);
    }
}
