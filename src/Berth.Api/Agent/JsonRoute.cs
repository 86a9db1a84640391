using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Api.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Api.Agent;

/// <summary>
/// One of Berth's JSON routes that answer like an AWS JSON operation (join, join tokens): the body read within the
/// API's limit, a typed request and response, and every failure in ECS's error shape (<see cref="ApiError"/>).
/// The handler authenticates: it has the body the signature covers.
/// </summary>
internal static class JsonRoute
{
    public delegate Task<TResponse> Handler<in TRequest, TResponse>(HttpContext http, ReadOnlyMemory<byte> body, TRequest request, string requestId);

    public static RequestDelegate Of<TRequest, TResponse>(ApiOptions options, ILogger logger, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, Handler<TRequest, TResponse> handler)
        where TRequest : class => Answer(logger, responseType, async (http, requestId) =>
    {
        var body = await RequestBody.ReadAsync(http.Request, options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
        TRequest request;
        try
        {
            request = JsonSerializer.Deserialize(body.Span, requestType) ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            throw ProtocolException.Serialization(e.Message);
        }
        return await handler(http, body, request, requestId).ConfigureAwait(false);
    });

    /// <summary>A route without a body (GET), whose handler reads what it needs from the query string.</summary>
    public static RequestDelegate Get<TResponse>(ILogger logger, JsonTypeInfo<TResponse> responseType, Func<HttpContext, string, Task<TResponse>> handler) =>
        Answer(logger, responseType, handler);

    private static RequestDelegate Answer<TResponse>(ILogger logger, JsonTypeInfo<TResponse> responseType, Func<HttpContext, string, Task<TResponse>> produce) => async http =>
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        try
        {
            var response = await produce(http, requestId).ConfigureAwait(false);
            await JsonResponses.WriteAsync(http.Response, StatusCodes.Status200OK, response, responseType).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (ApiError.From(e, http, http.Request.Path, requestId, logger) is { } error)
            {
                await JsonResponses.WriteErrorAsync(http.Response, error.ForJson(queryCompatible: false), JsonResponses.ContentType).ConfigureAwait(false);
            }
        }
    };
}
