using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Secrets;

internal static class SecretsRegistration
{
    /// <summary>Parameter Store, Secrets Manager, the valueFrom lookup over both and redeployment on new versions; the host registers the opened <see cref="Store.Identity.SecretCipher"/> and the <see cref="TaskSecretOptions"/>.</summary>
    public static IServiceCollection AddSecrets(this IServiceCollection services) => services
        .AddSingleton<SsmParameters>()
        .AddSingleton<ManagedSecrets>()
        .AddSingleton<SecretValueResolver>()
        .AddSingleton<TaskSecrets>()
        .AddSingleton<SecretChanges>()
        .AddSingleton<SecretRedeployments>();
}
