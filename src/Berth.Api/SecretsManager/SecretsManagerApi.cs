using Berth.Api.Protocol;
using Berth.Control.Secrets;
using Berth.Core.SecretsManager;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.SecretsManager;

/// <summary>Secrets Manager (target prefix secretsmanager, AWS JSON 1.1).</summary>
internal static class SecretsManagerApi
{
    public static IServiceCollection AddSecretsManagerApi(this IServiceCollection services) => services.AddSingleton(s =>
    {
        var service = new JsonService(SecretsManagerOperations.TargetPrefix, "secretsmanager", SecretsManagerJsonContext.Default, SecretsManagerOperations.All);
        new SecretHandler(s.GetRequiredService<ManagedSecrets>()).Register(service);
        return service;
    });
}
