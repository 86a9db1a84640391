using Berth.Api.Protocol;
using Berth.Control.Secrets;
using Berth.Core.Ssm;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Ssm;

/// <summary>SSM (target prefix AmazonSSM, AWS JSON 1.1): Parameter Store's operations; the rest of Systems Manager answers unsupported.</summary>
internal static class SsmApi
{
    public static IServiceCollection AddSsmApi(this IServiceCollection services) => services.AddSingleton(s =>
    {
        var service = new JsonService(SsmOperations.TargetPrefix, "ssm", SsmJsonContext.Default, SsmOperations.All);
        new ParameterHandler(s.GetRequiredService<SsmParameters>()).Register(service);
        return service;
    });
}
