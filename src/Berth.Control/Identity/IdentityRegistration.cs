using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Identity;

internal static class IdentityRegistration
{
    /// <summary>
    /// Access keys, IAM users, request authorization and task role sessions; the host registers the opened
    /// <see cref="Store.Identity.SecretCipher"/> and the <see cref="TaskRoleSessionOptions"/>.
    /// </summary>
    public static IServiceCollection AddIdentity(this IServiceCollection services) => services
        .AddSingleton<AccessKeys>()
        .AddSingleton<IamUsers>()
        .AddSingleton<RequestAuthorization>()
        .AddSingleton<TaskRoleSessions>();
}
