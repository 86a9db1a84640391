using Microsoft.AspNetCore.Builder;

namespace Berth.Server;

/// <summary>The ASP.NET Core builder of Berth's own HTTP servers: the API's and each load balancer listener's.</summary>
internal static class SlimHost
{
    /// <summary>
    /// <see cref="WebApplication.CreateSlimBuilder()"/> without its configuration watch. By default it reads an
    /// optional appsettings.json from the working directory and watches that directory and every directory below it
    /// for changes: a FileSystemWatcher that walks the tree at start, holds an inotify watch and a managed entry per
    /// directory, and runs a thread of its own, in every server (one per listener). Berth takes its settings from
    /// flags, so the file, if any, is read once and nothing is watched.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder() =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
}
