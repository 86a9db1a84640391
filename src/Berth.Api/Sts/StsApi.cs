using Berth.Api.Query;
using Berth.Control.Identity;
using Berth.Core.Sts;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Sts;

/// <summary>The STS query service (Version 2011-06-15, signing name sts).</summary>
internal static class StsApi
{
    public static IServiceCollection AddStsApi(this IServiceCollection services) => services.AddSingleton(s =>
    {
        var service = new QueryService(StsQuerySchema.Model, StsJsonContext.Default);
        new StsHandler(s.GetRequiredService<AccessKeys>(), s.GetRequiredService<IamRoles>(), s.GetRequiredService<RoleSessions>(),
            s.GetRequiredService<RequestAuthorization>()).Register(service);
        return service;
    });
}
