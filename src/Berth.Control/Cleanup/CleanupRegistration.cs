using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Cleanup;

internal static class CleanupRegistration
{
    /// <summary>The clean-up report's reader; the host adds the <see cref="Store.Logs.ILogStore"/> it reads log groups from.</summary>
    public static IServiceCollection AddCleanup(this IServiceCollection services) => services.AddSingleton<CleanupSnapshots>();
}
