using System.Net;
using System.Text;
using Berth.Agent.Metadata;
using Berth.Core.Agent;

namespace Berth.Agent.Tests.Metadata;

/// <summary>The task role credentials endpoint's routing and isolation, without Docker: what each request is answered.</summary>
public sealed class CredentialsEndpointTests
{
    private static readonly TaskRoleCredentials WebRole = new()
    {
        RoleArn = "arn:aws:iam::000000000000:role/web",
        AccessKeyId = "ASIAWEB",
        SecretAccessKey = "web-secret",
        Token = "web-token",
        Expiration = new DateTimeOffset(2026, 12, 5, 7, 30, 15, TimeSpan.Zero),
    };

    private static readonly Dictionary<string, TaskCredentialsGrant> Tasks = new(StringComparer.Ordinal)
    {
        ["web-id"] = new(WebRole, ["172.17.0.5", "172.17.0.6"]),
        ["db-id"] = new(WebRole with { RoleArn = "arn:aws:iam::000000000000:role/db", AccessKeyId = "ASIADB" }, ["10.0.1.4"]),
        ["restarted-id"] = new(null, ["172.17.0.9"]),
        ["host-id"] = new(WebRole with { AccessKeyId = "ASIAHOST" }, [], AuthorizationToken: "host-token"),
    };

    private static (int Status, string Body) Get(string path, string source, string? authorization = null)
    {
        var answer = CredentialsEndpoint.Answer(path, IPAddress.Parse(source), authorization, id => Tasks.GetValueOrDefault(id));
        return (answer.Status, Encoding.UTF8.GetString(answer.Body));
    }

    private const string NotFound = """{"code":"InvalidIdInRequest","message":"CredentialsV2Request: Credentials not found"}""";

    [Fact]
    public void A_task_reads_its_credentials_as_the_ECS_agent_serves_them()
    {
        Assert.Equal((200, """{"RoleArn":"arn:aws:iam::000000000000:role/web","AccessKeyId":"ASIAWEB","SecretAccessKey":"web-secret","Token":"web-token","Expiration":"2026-12-05T07:30:15Z"}"""),
            Get("/v2/credentials/web-id", "172.17.0.6"));
        Assert.Equal(200, Get("/v2/credentials/db-id", "::ffff:10.0.1.4").Status);
    }

    [Fact]
    public void Another_tasks_id_from_this_tasks_address_is_answered_as_an_unknown_id()
    {
        Assert.Equal((400, NotFound), Get("/v2/credentials/db-id", "172.17.0.5"));
        Assert.Equal((400, NotFound), Get("/v2/credentials/web-id", "10.0.1.4"));
        Assert.Equal((400, NotFound), Get("/v2/credentials/web-id", "172.17.0.1"));
    }

    [Fact]
    public void A_host_mode_task_is_known_by_its_token_from_any_address_and_without_it_as_an_unknown_id()
    {
        Assert.Equal(200, Get("/v2/credentials/host-id", "127.0.0.1", "host-token").Status);
        Assert.Contains("\"AccessKeyId\":\"ASIAHOST\"", Get("/v2/credentials/host-id", "192.168.1.20", "host-token").Body, StringComparison.Ordinal);
        Assert.Equal((400, NotFound), Get("/v2/credentials/host-id", "127.0.0.1"));
        Assert.Equal((400, NotFound), Get("/v2/credentials/host-id", "127.0.0.1", "host-toke"));
        Assert.Equal((400, NotFound), Get("/v2/credentials/host-id", "127.0.0.1", "web-token"));
        // A token does not open another task's id, nor replace an address check.
        Assert.Equal((400, NotFound), Get("/v2/credentials/web-id", "127.0.0.1", "host-token"));
    }

    [Fact]
    public void Unknown_and_missing_ids_get_the_ECS_agents_errors()
    {
        Assert.Equal((400, NotFound), Get("/v2/credentials/guessed", "172.17.0.5"));
        Assert.Equal((400, NotFound), Get("/v2/credentials/web-id/extra", "172.17.0.5"));
        Assert.Equal((400, """{"code":"NoIdInRequest","message":"CredentialsV2Request: No Credential ID in the request"}"""), Get("/v2/credentials", "172.17.0.5"));
        Assert.Equal(400, Get("/v2/credentials/", "172.17.0.5").Status);
    }

    [Fact]
    public void A_task_whose_credentials_have_not_come_since_a_restart_is_told_to_retry()
    {
        Assert.Equal((503, """{"code":"CredentialsUninitialized","message":"CredentialsV2Request: Credentials uninitialized for ID"}"""),
            Get("/v2/credentials/restarted-id", "172.17.0.9"));
    }

    [Fact]
    public void Ids_are_128_random_bits_never_repeated()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => CredentialsEndpoint.NewId()).ToHashSet();

        Assert.Equal(1000, ids.Count);
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
    }

    [Fact]
    public void Credentials_print_without_their_secret_or_token()
    {
        var printed = new TaskAssignment { Task = new() { TaskArn = "arn:t" }, TaskDefinition = new(), RoleCredentials = WebRole }.ToString();

        Assert.Contains("ASIAWEB", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("web-secret", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("web-token", printed, StringComparison.Ordinal);
    }
}
