using static Berth.Core.Identity.Authorization.OperationRule;

namespace Berth.Core.Identity.Authorization.Services;

/// <summary>
/// AWS STS, from "Actions, resources, and condition keys for AWS Security Token Service". GetCallerIdentity and
/// GetSessionToken need no permission: AWS lets every authenticated caller use them, and no policy denies them.
/// </summary>
internal static class StsAuthorization
{
    public static readonly ServiceAuthorization Rules = new(
        "sts",
        [
            ResourceType.Named("role", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "RoleNameWithPath", "RoleArn"),
            ResourceType.Named("federated-user", "arn:${Partition}:sts::${Account}:federated-user/${FederatedUserName}", "FederatedUserName", "Name"),
        ],
        new Dictionary<string, VariableSource>(),
        new Dictionary<string, OperationRule>
        {
            ["AssumeRole"] = Types("role"),
            ["AssumeRoleWithSAML"] = Types("role"),
            ["AssumeRoleWithWebIdentity"] = Types("role"),
            ["AssumeRoot"] = Computed((request, scope) =>
                RequestMembers.All(request, "TargetPrincipal").Select(account => new RequestedResource($"arn:{scope.Partition}:iam::{account}:root", "root-user", true))),
            ["GetCallerIdentity"] = Unconditional,
            ["GetFederationToken"] = Types("federated-user"),
            ["GetSessionToken"] = Unconditional,
        });
}
