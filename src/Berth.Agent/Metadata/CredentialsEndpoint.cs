using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Core.Agent;

namespace Berth.Agent.Metadata;

/// <summary>What the credentials endpoint knows of one task: its current role credentials and how its requests are recognised.</summary>
/// <param name="Credentials">Null until the server has sent them (after an agent restart, until the first poll).</param>
/// <param name="SourceAddresses">The task's addresses: its ENI (awsvpc) or its containers' bridge addresses.</param>
/// <param name="AuthorizationToken">
/// For a task in host network mode, whose requests come from the host's own addresses: the token its requests must carry
/// in Authorization instead (AWS_CONTAINER_AUTHORIZATION_TOKEN); null for the others, recognised by address.
/// </param>
internal sealed record TaskCredentialsGrant(TaskRoleCredentials? Credentials, IReadOnlyList<string> SourceAddresses, string? AuthorizationToken = null)
{
    public bool Admits(string? source, string? authorization) => AuthorizationToken is { } token
        ? authorization is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), Encoding.UTF8.GetBytes(token))
        : source is not null && SourceAddresses.Contains(source);
}

/// <summary>One answer of the endpoint: the HTTP status and the JSON body.</summary>
internal sealed record CredentialsAnswer(int Status, byte[] Body);

/// <summary>
/// The task role credentials endpoint as the ECS agent serves it (<c>GET /v2/credentials/&lt;id&gt;</c>, reached at
/// 169.254.170.2 through AWS_CONTAINER_CREDENTIALS_RELATIVE_URI), with its answers and error shapes
/// (<c>{"code", "message"}</c>, 400 for a missing or unknown id). Each task has its own random id; a request must
/// also come from one of the task's addresses (or, in host mode, carry the task's authorization token, as with
/// AWS_CONTAINER_CREDENTIALS_FULL_URI), and any other is answered exactly as an unknown id, so that it learns
/// nothing, not even that the id exists.
/// </summary>
internal static class CredentialsEndpoint
{
    public const string PathPrefix = "/v2/credentials";

    private const string ErrorPrefix = "CredentialsV2Request: ";

    public static string RelativeUri(string credentialsId) => $"{PathPrefix}/{credentialsId}";

    /// <summary>A new unguessable id: 128 random bits.</summary>
    public static string NewId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <param name="path">The request path, starting with <see cref="PathPrefix"/>.</param>
    /// <param name="source">The address the request came from.</param>
    /// <param name="authorization">The request's Authorization header, if any.</param>
    /// <param name="lookup">The task holding an id, if any.</param>
    public static CredentialsAnswer Answer(string path, IPAddress? source, string? authorization, Func<string, TaskCredentialsGrant?> lookup)
    {
        var id = path.Length > PathPrefix.Length ? path[(PathPrefix.Length + 1)..] : "";
        if (id.Length == 0)
        {
            return Error(400, "NoIdInRequest", "No Credential ID in the request");
        }
        var sourceText = source?.IsIPv4MappedToIPv6 == true ? source.MapToIPv4().ToString() : source?.ToString();
        if (lookup(id) is not { } grant || !grant.Admits(sourceText, authorization))
        {
            return Error(400, "InvalidIdInRequest", "Credentials not found");
        }
        if (grant.Credentials is not { } credentials)
        {
            return Error(503, "CredentialsUninitialized", "Credentials uninitialized for ID");
        }
        return new CredentialsAnswer(200, Json(writer =>
        {
            writer.WriteString("RoleArn", credentials.RoleArn);
            writer.WriteString("AccessKeyId", credentials.AccessKeyId);
            writer.WriteString("SecretAccessKey", credentials.SecretAccessKey);
            writer.WriteString("Token", credentials.Token);
            writer.WriteString("Expiration", credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }));
    }

    private static CredentialsAnswer Error(int status, string code, string message) => new(status, Json(writer =>
    {
        writer.WriteString("code", code);
        writer.WriteString("message", ErrorPrefix + message);
    }));

    private static byte[] Json(Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
