using System.Text.Json;
using Berth.Core.Arns;
using static Berth.Core.Identity.Authorization.OperationRule;

namespace Berth.Core.Identity.Authorization.Services;

/// <summary>
/// AWS IAM, from "Actions, resources, and condition keys for AWS Identity and Access Management (IAM)". Users,
/// roles, groups, policies and instance profiles have a path in their ARN that requests naming them do not
/// carry (only their Create operations say it): without one the path is taken to be <c>/</c>, and the ARN is
/// not exact. An operation on "the caller's own user" (GetUser without UserName) names no user: its ARN is
/// <c>user/*</c> until the caller fills it in.
/// </summary>
internal static class IamAuthorization
{
    private const string Prefix = "arn:${Partition}:iam::${Account}:";

    public static readonly ServiceAuthorization Rules = new(
        "iam",
        [
            WithPath("user", "UserNameWithPath", "UserName"),
            WithPath("role", "RoleNameWithPath", "RoleName"),
            WithPath("group", "GroupNameWithPath", "GroupName"),
            WithPath("instance-profile", "InstanceProfileNameWithPath", "InstanceProfileName"),
            new("policy", new ArnTemplate(Prefix + "policy/${PolicyNameWithPath}"), ["PolicyArn", "PolicyName"], NameWithPath("PolicyNameWithPath")),
            new("server-certificate", new ArnTemplate(Prefix + "server-certificate/${CertificateNameWithPath}"), ["ServerCertificateName"],
                NameWithPath("CertificateNameWithPath")),
            new("mfa", new ArnTemplate(Prefix + "mfa/${MfaTokenIdWithPath}"), ["SerialNumber", "VirtualMFADeviceName"], NameWithPath("MfaTokenIdWithPath")),
            ResourceType.Named("oidc-provider", Prefix + "oidc-provider/${OidcProviderName}", "OidcProviderName", "OpenIDConnectProviderArn"),
            ResourceType.Named("saml-provider", Prefix + "saml-provider/${SamlProviderName}", "SamlProviderName", "SAMLProviderArn", "Name"),
        ],
        new Dictionary<string, VariableSource>(),
        new Dictionary<string, OperationRule>
        {
            ["AddClientIDToOpenIDConnectProvider"] = Types("oidc-provider"),
            ["AddUserToGroup"] = Types("group"),
            ["AttachGroupPolicy"] = Types("group"),
            ["AttachRolePolicy"] = Types("role"),
            ["AttachUserPolicy"] = Types("user"),
            ["ChangePassword"] = Types("user"),
            ["CreateAccessKey"] = Types("user"),
            ["CreateGroup"] = Types("group"),
            ["CreateInstanceProfile"] = Types("instance-profile"),
            ["CreateLoginProfile"] = Types("user"),
            ["CreateOpenIDConnectProvider"] = Types("oidc-provider"),
            ["CreatePolicy"] = Types("policy"),
            ["CreatePolicyVersion"] = Types("policy"),
            ["CreateRole"] = Types("role"),
            ["CreateSAMLProvider"] = Types("saml-provider"),
            ["CreateServiceSpecificCredential"] = Types("user"),
            ["CreateUser"] = Types("user"),
            ["DeactivateMFADevice"] = Types("user"),
            ["DeleteAccessKey"] = Types("user"),
            ["DeleteGroup"] = Types("group"),
            ["DeleteGroupPolicy"] = Types("group"),
            ["DeleteInstanceProfile"] = Types("instance-profile"),
            ["DeleteLoginProfile"] = Types("user"),
            ["DeleteOpenIDConnectProvider"] = Types("oidc-provider"),
            ["DeletePolicy"] = Types("policy"),
            ["DeletePolicyVersion"] = Types("policy"),
            ["DeleteRole"] = Types("role"),
            ["DeleteRolePermissionsBoundary"] = Types("role"),
            ["DeleteRolePolicy"] = Types("role"),
            ["DeleteSAMLProvider"] = Types("saml-provider"),
            ["DeleteSSHPublicKey"] = Types("user"),
            ["DeleteServerCertificate"] = Types("server-certificate"),
            ["DeleteServiceLinkedRole"] = Types("role"),
            ["DeleteServiceSpecificCredential"] = Types("user"),
            ["DeleteSigningCertificate"] = Types("user"),
            ["DeleteUser"] = Types("user"),
            ["DeleteUserPermissionsBoundary"] = Types("user"),
            ["DeleteUserPolicy"] = Types("user"),
            ["DetachGroupPolicy"] = Types("group"),
            ["DetachRolePolicy"] = Types("role"),
            ["DetachUserPolicy"] = Types("user"),
            ["EnableMFADevice"] = Types("user"),
            ["GetAccessKeyLastUsed"] = Types("user"),
            ["GetGroup"] = Types("group"),
            ["GetGroupPolicy"] = Types("group"),
            ["GetInstanceProfile"] = Types("instance-profile"),
            ["GetLoginProfile"] = Types("user"),
            ["GetMFADevice"] = Types("user"),
            ["GetOpenIDConnectProvider"] = Types("oidc-provider"),
            ["GetPolicy"] = Types("policy"),
            ["GetPolicyVersion"] = Types("policy"),
            ["GetRole"] = Types("role"),
            ["GetRolePolicy"] = Types("role"),
            ["GetSAMLProvider"] = Types("saml-provider"),
            ["GetSSHPublicKey"] = Types("user"),
            ["GetServerCertificate"] = Types("server-certificate"),
            ["GetUser"] = Types("user"),
            ["GetUserPolicy"] = Types("user"),
            ["ListAccessKeys"] = Types("user"),
            ["ListAttachedGroupPolicies"] = Types("group"),
            ["ListAttachedRolePolicies"] = Types("role"),
            ["ListAttachedUserPolicies"] = Types("user"),
            ["ListEntitiesForPolicy"] = Types("policy"),
            ["ListGroupPolicies"] = Types("group"),
            ["ListGroupsForUser"] = Types("user"),
            ["ListInstanceProfileTags"] = Types("instance-profile"),
            ["ListInstanceProfilesForRole"] = Types("role"),
            ["ListOpenIDConnectProviderTags"] = Types("oidc-provider"),
            ["ListPolicyTags"] = Types("policy"),
            ["ListPolicyVersions"] = Types("policy"),
            ["ListRolePolicies"] = Types("role"),
            ["ListRoleTags"] = Types("role"),
            ["ListSAMLProviderTags"] = Types("saml-provider"),
            ["ListSSHPublicKeys"] = Types("user"),
            ["ListServerCertificateTags"] = Types("server-certificate"),
            ["ListServiceSpecificCredentials"] = Types("user"),
            ["ListSigningCertificates"] = Types("user"),
            ["ListUserPolicies"] = Types("user"),
            ["ListUserTags"] = Types("user"),
            ["PutGroupPolicy"] = Types("group"),
            ["PutRolePermissionsBoundary"] = Types("role"),
            ["PutRolePolicy"] = Types("role"),
            ["PutUserPermissionsBoundary"] = Types("user"),
            ["PutUserPolicy"] = Types("user"),
            ["RemoveClientIDFromOpenIDConnectProvider"] = Types("oidc-provider"),
            ["RemoveUserFromGroup"] = Types("group"),
            ["ResetServiceSpecificCredential"] = Types("user"),
            ["ResyncMFADevice"] = Types("user"),
            ["SetDefaultPolicyVersion"] = Types("policy"),
            ["TagInstanceProfile"] = Types("instance-profile"),
            ["TagOpenIDConnectProvider"] = Types("oidc-provider"),
            ["TagPolicy"] = Types("policy"),
            ["TagRole"] = Types("role"),
            ["TagSAMLProvider"] = Types("saml-provider"),
            ["TagServerCertificate"] = Types("server-certificate"),
            ["TagUser"] = Types("user"),
            ["UntagInstanceProfile"] = Types("instance-profile"),
            ["UntagOpenIDConnectProvider"] = Types("oidc-provider"),
            ["UntagPolicy"] = Types("policy"),
            ["UntagRole"] = Types("role"),
            ["UntagSAMLProvider"] = Types("saml-provider"),
            ["UntagServerCertificate"] = Types("server-certificate"),
            ["UntagUser"] = Types("user"),
            ["UpdateAccessKey"] = Types("user"),
            ["UpdateAssumeRolePolicy"] = Types("role"),
            ["UpdateGroup"] = Types("group"),
            ["UpdateLoginProfile"] = Types("user"),
            ["UpdateOpenIDConnectProviderThumbprint"] = Types("oidc-provider"),
            ["UpdateRole"] = Types("role"),
            ["UpdateRoleDescription"] = Types("role"),
            ["UpdateSAMLProvider"] = Types("saml-provider"),
            ["UpdateSSHPublicKey"] = Types("user"),
            ["UpdateServerCertificate"] = Types("server-certificate"),
            ["UpdateServiceSpecificCredential"] = Types("user"),
            ["UpdateSigningCertificate"] = Types("user"),
            ["UpdateUser"] = Types("user"),
            ["UploadSSHPublicKey"] = Types("user"),
            ["UploadServerCertificate"] = Types("server-certificate"),
            ["UploadSigningCertificate"] = Types("user"),
            ["AddRoleToInstanceProfile"] = Types("instance-profile"),
            ["CreateServiceLinkedRole"] = Computed((request, scope) => RequestMembers.All(request, "AWSServiceName").Select(service =>
                new RequestedResource($"arn:{scope.Partition}:iam::{scope.AccountId}:role/aws-service-role/{service}/*", "role", false))),
            ["CreateVirtualMFADevice"] = Types("mfa"),
            ["DeleteVirtualMFADevice"] = Types("mfa"),
            ["GenerateServiceLastAccessedDetails"] = ArnsIn("Arn"),
            ["GetContextKeysForPrincipalPolicy"] = ArnsIn("PolicySourceArn"),
            ["GetServiceLinkedRoleDeletionStatus"] = Types("role"),
            ["ListMFADeviceTags"] = Types("mfa"),
            ["ListMFADevices"] = Types("user"),
            ["ListPoliciesGrantingServiceAccess"] = ArnsIn("Arn"),
            ["RemoveRoleFromInstanceProfile"] = Types("instance-profile"),
            ["SimulatePrincipalPolicy"] = ArnsIn("PolicySourceArn"),
            ["TagMFADevice"] = Types("mfa"),
            ["UntagMFADevice"] = Types("mfa"),
        },
        ConditionKeys);

    private static ResourceType WithPath(string type, string variable, string nameMember) =>
        new(type, new ArnTemplate(Prefix + type + "/${" + variable + "}"), [nameMember], NameWithPath(variable));

    /// <summary>A name under the request's Path (<c>/dev/</c> makes <c>dev/NAME</c>), or under <c>/</c>, which is then an assumption.</summary>
    private static Func<string, JsonElement, (IReadOnlyDictionary<string, string>, bool)> NameWithPath(string variable) => (name, request) =>
    {
        var path = RequestMembers.First(request, "Path");
        return (new Dictionary<string, string> { [variable] = (path ?? "/").TrimStart('/') + name }, path is not null);
    };

    /// <summary>iam:AWSServiceName, the service a service-linked role is created for.</summary>
    private static RequestContext ConditionKeys(string operation, JsonElement request, ResourceScope scope, ServiceAuthorization rules, RequestContext context) =>
        operation == "CreateServiceLinkedRole" && RequestMembers.First(request, "AWSServiceName") is { } service
            ? context.With("iam:AWSServiceName", service)
            : context;
}
