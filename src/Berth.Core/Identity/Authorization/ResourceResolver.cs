using System.Text.Json;
using Berth.Core.Arns;

namespace Berth.Core.Identity.Authorization;

/// <summary>Builds the ARNs of one resource type that a request names (<see cref="ResourceType"/>).</summary>
internal static class ResourceResolver
{
    public static IEnumerable<RequestedResource> Resolve(ServiceAuthorization service, ResourceType type, JsonElement request, ResourceScope scope)
    {
        var shared = SharedVariables(service, request, scope);
        var values = type.Members.SelectMany(m => RequestMembers.All(request, m)).ToList();
        if (values.Count == 0)
        {
            // The request does not name one (ListTasks without a container instance): the type's ARN with what is known.
            yield return Fill(type, shared, exact: true);
            yield break;
        }
        foreach (var value in values)
        {
            if (RequestMembers.IsArn(value))
            {
                if (type.Template.Match(value) is not null)
                {
                    yield return new RequestedResource(value, type.Name, true);
                    continue;
                }
                // An ARN of another type (a task's cluster given as a cluster ARN) still says the parts it shares.
                var harvested = new Dictionary<string, string>(shared, StringComparer.Ordinal);
                Harvest(service, value, harvested, overwrite: true);
                yield return Fill(type, harvested, exact: true);
                continue;
            }
            var (variables, exact) = type.ReadName(value, request);
            var merged = new Dictionary<string, string>(shared, StringComparer.Ordinal);
            foreach (var (name, variable) in variables)
            {
                merged[name] = variable;
            }
            yield return Fill(type, merged, exact);
        }
    }

    /// <summary>The ARNs in these members, typed by the service's templates they match.</summary>
    public static IEnumerable<RequestedResource> Arns(ServiceAuthorization service, IEnumerable<string> members, JsonElement request) =>
        members.SelectMany(m => RequestMembers.All(request, m)).Select(arn =>
            new RequestedResource(arn, service.ResourceTypes.FirstOrDefault(t => t.Template.Match(arn) is not null)?.Name ?? "*", true));

    /// <summary>
    /// The variables a request says for every resource type: the scope's partition, region and account, whatever
    /// its top-level ARNs say, and the service's shared variable sources (their defaults last).
    /// </summary>
    private static Dictionary<string, string> SharedVariables(ServiceAuthorization service, JsonElement request, ResourceScope scope)
    {
        var shared = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Partition"] = scope.Partition,
            ["Region"] = scope.Region,
            ["Account"] = scope.AccountId,
        };
        foreach (var arn in RequestMembers.TopLevelArns(request))
        {
            Harvest(service, arn, shared, overwrite: false);
        }
        foreach (var (variable, source) in service.Variables)
        {
            var value = source.Members.Select(m => RequestMembers.First(request, m)).FirstOrDefault(v => v is not null);
            if (value is null)
            {
                if (source.Default is not null)
                {
                    shared.TryAdd(variable, source.Default);
                }
            }
            else if (RequestMembers.IsArn(value))
            {
                Harvest(service, value, shared, overwrite: true);
            }
            else
            {
                shared[variable] = value;
            }
        }
        return shared;
    }

    private static void Harvest(ServiceAuthorization service, string arn, Dictionary<string, string> variables, bool overwrite)
    {
        var match = service.ResourceTypes.Select(t => t.Template.Match(arn)).FirstOrDefault(m => m is not null);
        foreach (var (name, value) in match ?? [])
        {
            if (overwrite)
            {
                variables[name] = value;
            }
            else
            {
                variables.TryAdd(name, value);
            }
        }
    }

    private static RequestedResource Fill(ResourceType type, IReadOnlyDictionary<string, string> variables, bool exact)
    {
        var (arn, filled) = type.Template.Fill(variables);
        return new RequestedResource(arn, type.Name, exact && filled);
    }
}
