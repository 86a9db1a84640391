using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Api.Tests;

/// <summary>
/// Sends ECS (or, with another target prefix, CloudWatch Logs) operations as the AWS SDKs do: <c>POST /</c> with <c>X-Amz-Target</c>, the AWS JSON 1.1
/// content type and, when a region is given, a SigV4 Authorization header whose credential scope names it.
/// </summary>
public sealed class EcsClient(HttpClient http, string? region, string targetPrefix = EcsClient.TargetPrefix)
{
    public const string TargetPrefix = "AmazonEC2ContainerServiceV20141113";
    public const string Account = "000000000000";

    /// <summary>The region the server sees: the signed one, or the server's default.</summary>
    public string Region => region ?? "us-east-1";

    public string ArnPrefix => $"arn:aws:ecs:{Region}:{Account}";

    public string ClusterArn(string name) => $"{ArnPrefix}:cluster/{name}";

    public string TaskDefinitionArn(string family, int revision) => $"{ArnPrefix}:task-definition/{family}:{revision}";

    /// <summary>Calls <paramref name="operation"/> and returns whatever came back.</summary>
    public Task<EcsResponse> SendAsync(string operation, object body) =>
        SendRawAsync($"{targetPrefix}.{operation}", Encoding.UTF8.GetBytes(body as string ?? JsonSerializer.Serialize(body)));

    public async Task<EcsResponse> SendRawAsync(string? target, byte[] body, bool chunked = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }
        if (region is not null)
        {
            request.Headers.TryAddWithoutValidation(
                "Authorization",
                $"AWS4-HMAC-SHA256 Credential=AKID/20260101/{region}/ecs/aws4_request, SignedHeaders=host, Signature=abc");
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new EcsResponse(
            response.StatusCode,
            text.Length == 0 ? null : JsonNode.Parse(text),
            response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.Single() : null,
            response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Calls an operation that must succeed and returns its response body.</summary>
    public async Task<JsonNode> OkAsync(string operation, object body)
    {
        var response = await SendAsync(operation, body);
        Assert.True(response.Status == HttpStatusCode.OK, $"{operation} answered {(int)response.Status}: {response.Body?.ToJsonString()}");
        return response.Body!;
    }

    /// <summary>Calls an operation that must fail with HTTP 400 and returns the error's <c>__type</c> and message.</summary>
    public async Task<(string Type, string Message)> ErrorAsync(string operation, object body)
    {
        var response = await SendAsync(operation, body);
        Assert.True(response.Status == HttpStatusCode.BadRequest, $"{operation} answered {(int)response.Status}: {response.Body?.ToJsonString()}");
        return response.Error;
    }
}

public sealed record EcsResponse(HttpStatusCode Status, JsonNode? Body, string? RequestId, string? ContentType)
{
    /// <summary>An error body is exactly <c>{"__type": …, "message": …}</c>.</summary>
    public (string Type, string Message) Error
    {
        get
        {
            var error = Assert.IsType<JsonObject>(Body);
            Assert.Equal(["__type", "message"], error.Select(p => p.Key).Order(StringComparer.Ordinal));
            return ((string)error["__type"]!, (string)error["message"]!);
        }
    }
}
