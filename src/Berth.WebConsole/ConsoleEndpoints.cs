using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Berth.WebConsole;

/// <summary>
/// Serves the web console at <c>/console/</c> and sends browsers that open <c>/</c> there. The console is a client of
/// Berth's own APIs (the same requests the AWS CLI sends, signed in the browser when the server wants signatures), so it
/// needs no route of its own beyond its files and <c>config.json</c>.
/// </summary>
public static class ConsoleEndpoints
{
    public const string Root = "/console/";

    // The console builds its DOM from API data: no inline script, nothing from elsewhere, never framed.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplication MapConsole(this WebApplication app, ConsoleSettings settings)
    {
        var assets = ConsoleAssets.Load();
        var config = JsonSerializer.SerializeToUtf8Bytes(settings, ConsoleJsonContext.Default.ConsoleSettings);
        // Only a browser asking for a page is redirected: API calls are POSTs, and GET / without text/html (curl, a
        // health probe) gets what it got before.
        app.Use((http, next) =>
            HttpMethods.IsGet(http.Request.Method) && http.Request.Path == "/" && AcceptsHtml(http.Request)
                ? Redirect(http)
                : next(http));
        app.MapGet("/console/config.json", (HttpContext http) => Serve(http, new ConsoleAsset(config, "application/json", "")));
        app.MapGet("/console/{**path}", (HttpContext http, string? path) =>
            // The route matches /console too; the page needs the slash, since its files are named relative to it.
            string.IsNullOrEmpty(path) && !http.Request.Path.Value!.EndsWith('/') ? Redirect(http)
            : assets.Find(string.IsNullOrEmpty(path) ? "index.html" : path) is { } asset ? Serve(http, asset)
            : NotFound(http));
        return app;
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(value => value?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);

    private static Task Redirect(HttpContext http)
    {
        http.Response.Redirect(Root);
        return Task.CompletedTask;
    }

    private static Task NotFound(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static Task Serve(HttpContext http, ConsoleAsset asset)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        // Revalidated on every load, so a new Berth is never shown with an old script; an unchanged file costs a 304.
        headers.CacheControl = "no-cache";
        if (asset.ETag.Length > 0)
        {
            headers.ETag = asset.ETag;
            if (http.Request.Headers.IfNoneMatch.Contains(asset.ETag))
            {
                http.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }
        }
        http.Response.ContentType = asset.ContentType;
        http.Response.ContentLength = asset.Content.Length;
        return http.Response.Body.WriteAsync(asset.Content).AsTask();
    }
}
