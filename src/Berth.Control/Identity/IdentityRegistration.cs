using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Identity;

internal static class IdentityRegistration
{
    /// <summary>Access keys, IAM users and request authorization; the host registers the opened <see cref="Store.Identity.SecretCipher"/>.</summary>
    public static IServiceCollection AddIdentity(this IServiceCollection services) => services
        .AddSingleton<AccessKeys>()
        .AddSingleton<IamUsers>()
        .AddSingleton<RequestAuthorization>();
}
