using Berth.Api.Query;
using Berth.Control.Identity;
using Berth.Core.Iam;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Iam;

/// <summary>The IAM query service (Version 2010-05-08, signing name iam).</summary>
internal static class IamApi
{
    public static IServiceCollection AddIamApi(this IServiceCollection services) => services.AddSingleton(s =>
    {
        var service = new QueryService(IamQuerySchema.Model, IamJsonContext.Default);
        new IamUserHandler(s.GetRequiredService<IamUsers>()).Register(service);
        new IamPolicyHandler(s.GetRequiredService<IamUsers>()).Register(service);
        new IamRoleHandler(s.GetRequiredService<IamRoles>()).Register(service);
        new IamGroupHandler(s.GetRequiredService<IamGroups>(), s.GetRequiredService<IamUsers>()).Register(service);
        new IamManagedPolicyHandler(s.GetRequiredService<ManagedPolicies>(), s.GetRequiredService<PolicyAttachments>()).Register(service);
        return service;
    });
}
