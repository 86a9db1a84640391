using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Identity;

internal static class IdentityRegistration
{
    /// <summary>
    /// Access keys, IAM users, groups and roles, role sessions, task role sessions, request authorization and iam:PassRole; the host registers
    /// the opened <see cref="Store.Identity.SecretCipher"/> and the <see cref="TaskRoleSessionOptions"/>.
    /// </summary>
    public static IServiceCollection AddIdentity(this IServiceCollection services) => services
        .AddSingleton<AccessKeys>()
        .AddSingleton<IdentityChanges>()
        .AddSingleton<IamUsers>()
        .AddSingleton<IamRoles>()
        .AddSingleton<IamGroups>()
        .AddSingleton<ManagedPolicies>()
        .AddSingleton<PolicyAttachments>()
        .AddSingleton<ResourceTagLookup>()
        .AddSingleton<RoleSessions>()
        .AddSingleton<RequestAuthorization>()
        .AddSingleton<RolePassing>()
        .AddSingleton<TaskRoleSessions>();
}
