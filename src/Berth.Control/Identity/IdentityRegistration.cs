using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Identity;

internal static class IdentityRegistration
{
    /// <summary>Access keys, IAM users and roles, role sessions and request authorization; the host registers the opened <see cref="Store.Identity.SecretCipher"/>.</summary>
    public static IServiceCollection AddIdentity(this IServiceCollection services) => services
        .AddSingleton<AccessKeys>()
        .AddSingleton<IdentityChanges>()
        .AddSingleton<IamUsers>()
        .AddSingleton<IamRoles>()
        .AddSingleton<ManagedPolicies>()
        .AddSingleton<PolicyAttachments>()
        .AddSingleton<ResourceTagLookup>()
        .AddSingleton<RoleSessions>()
        .AddSingleton<RequestAuthorization>();
}
