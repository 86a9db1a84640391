using System.Text.Json;
using Berth.Core.Arns;
using Berth.Core.Ssm;
using static Berth.Core.Identity.Authorization.OperationRule;

namespace Berth.Core.Identity.Authorization.Services;

/// <summary>
/// AWS Systems Manager, from "Actions, resources, and condition keys for AWS Systems Manager", for the part
/// Berth serves: Parameter Store. A parameter's ARN is <c>parameter/NAME</c> without the name's leading slash.
/// The rest of Systems Manager (documents, automation, maintenance windows, inventory…) is authorized against
/// <c>*</c>: Berth answers those operations as unsupported.
/// </summary>
internal static class SsmAuthorization
{
    private const string ParameterTemplate = "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}";

    public static readonly ServiceAuthorization Rules = new(
        "ssm",
        [
            new("parameter", new ArnTemplate(ParameterTemplate), ["Name", "Names", "Path"],
                (name, _) => (new Dictionary<string, string> { ["ParameterNameWithoutLeadingSlash"] = name.TrimStart('/') }, true)),
        ],
        new Dictionary<string, VariableSource>(),
        new Dictionary<string, OperationRule>
        {
            ["AddTagsToResource"] = Computed(TaggedParameter),
            ["DeleteParameter"] = Types("parameter"),
            ["DeleteParameters"] = Types("parameter"),
            ["DeleteResourcePolicy"] = ArnsIn("ResourceArn"),
            ["GetParameter"] = Types("parameter"),
            ["GetParameterHistory"] = Types("parameter"),
            ["GetParameters"] = Types("parameter"),
            ["GetParametersByPath"] = Types("parameter"),
            ["GetResourcePolicies"] = ArnsIn("ResourceArn"),
            ["LabelParameterVersion"] = Types("parameter"),
            ["ListTagsForResource"] = Computed(TaggedParameter),
            ["PutParameter"] = Types("parameter"),
            ["PutResourcePolicy"] = ArnsIn("ResourceArn"),
            ["RemoveTagsFromResource"] = Computed(TaggedParameter),
            ["UnlabelParameterVersion"] = Types("parameter"),
        });

    /// <summary>
    /// Tag operations name their resource by type and id; for a parameter the id is its name, resolved as the
    /// <c>Name</c> of a GetParameter request would be (written through the source-generated contract, so the
    /// Native AOT build needs no reflection here).
    /// </summary>
    private static IEnumerable<RequestedResource> TaggedParameter(JsonElement request, ResourceScope scope) =>
        RequestMembers.First(request, "ResourceType") == "Parameter" && RequestMembers.First(request, "ResourceId") is { } name
            ? ResourceResolver.Resolve(Rules, Rules.Type("parameter"),
                JsonSerializer.SerializeToElement(new GetParameterRequest { Name = name }, SsmJsonContext.Default.GetParameterRequest), scope)
            : [];
}
