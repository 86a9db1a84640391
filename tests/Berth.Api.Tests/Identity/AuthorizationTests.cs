using System.Net;
using Berth.Control.Identity;
using Berth.Core.Identity.Signing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Identity;

/// <summary>Every request of an IAM user on a sigv4 server is authorized by the user's policies; the root user's by none.</summary>
public sealed class AuthorizationTests : SigV4ServerTest
{
    private EcsClient? _root;

    private IamUsers Users => Server.Services.GetRequiredService<IamUsers>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _root = new EcsClient(AsRoot("ecs"), "us-east-1");
        await _root.OkAsync("CreateCluster", new { clusterName = "web" });
        await _root.OkAsync("CreateCluster", new { clusterName = "secret" });
    }

    /// <summary>A user with one inline policy, and a signing handler for its new access key.</summary>
    private async Task<SigningHandler> UserAsync(string name, string policy, string service = "ecs")
    {
        await Users.CreateAsync(Account, name, null, new Dictionary<string, string>(), CancellationToken.None);
        await Users.PutPolicyAsync(Account, name, "policy", policy, CancellationToken.None);
        var key = await Users.CreateAccessKeyAsync(Account, name, "unused", CancellationToken.None);
        return new SigningHandler(key.AccessKeyId, new SigningCredential(key.SecretAccessKey), service);
    }

    private EcsClient Ecs(SigningHandler handler) => new(Server.NewHttp(handler), "us-east-1");

    [Fact]
    public async Task A_user_allowed_only_ecs_describe_is_refused_run_task_and_allowed_describe_clusters()
    {
        var reader = Ecs(await UserAsync("reader", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}]}"""));
        var described = await reader.OkAsync("DescribeClusters", new { clusters = new[] { "web" } });
        Assert.Equal("web", (string)described["clusters"]![0]!["clusterName"]!);

        var refused = await reader.SendAsync("RunTask", new { cluster = "web", taskDefinition = "app:1" });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.Error.Type));
        Assert.StartsWith($"User: arn:aws:iam::{Account}:user/reader is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:{Account}:",
            refused.Error.Message);
        Assert.EndsWith("because no identity-based policy allows the ecs:RunTask action", refused.Error.Message);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.SendAsync("CreateCluster", new { clusterName = "mine" })).Status);
        Assert.Equal(2, (await _root!.OkAsync("ListClusters", new { }))["clusterArns"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_deny_on_one_cluster_wins_over_an_allow_on_everything()
    {
        var user = Ecs(await UserAsync("most", $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"ecs:*","Resource":"*"},
              {"Effect":"Deny","Action":"ecs:*","Resource":"arn:aws:ecs:*:{{Account}}:cluster/secret"}]}
            """));
        Assert.Equal("web", (string)(await user.OkAsync("DescribeClusters", new { clusters = new[] { "web" } }))["clusters"]![0]!["clusterName"]!);
        var refused = await user.SendAsync("DescribeClusters", new { clusters = new[] { "secret" } });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.Error.Type));
        Assert.Equal($"User: arn:aws:iam::{Account}:user/most is not authorized to perform: ecs:DescribeClusters on resource: " +
            $"arn:aws:ecs:us-east-1:{Account}:cluster/secret with an explicit deny in an identity-based policy", refused.Error.Message);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.SendAsync("DeleteCluster", new { cluster = $"arn:aws:ecs:us-east-1:{Account}:cluster/secret" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await _root!.SendAsync("DescribeClusters", new { clusters = new[] { "secret" } })).Status);
    }

    [Fact]
    public async Task A_resource_tag_condition_is_tested_against_the_clusters_own_tags()
    {
        var web = $"arn:aws:ecs:us-east-1:{Account}:cluster/web";
        await _root!.OkAsync("TagResource", new { resourceArn = web, tags = new[] { new { key = "env", value = "dev" } } });
        var user = Ecs(await UserAsync("dev", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:DescribeClusters","Resource":"*",
              "Condition":{"StringEquals":{"aws:ResourceTag/env":"dev"}}}]}
            """));

        Assert.Equal(HttpStatusCode.OK, (await user.SendAsync("DescribeClusters", new { clusters = new[] { "web" } })).Status);
        var refused = await user.SendAsync("DescribeClusters", new { clusters = new[] { "secret" } });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.Error.Type));
        await _root.OkAsync("TagResource", new { resourceArn = web, tags = new[] { new { key = "env", value = "prod" } } });
        Assert.Equal(HttpStatusCode.Forbidden, (await user.SendAsync("DescribeClusters", new { clusters = new[] { "web" } })).Status);
    }

    [Fact]
    public async Task Query_refusals_are_access_denied_and_a_users_session_has_its_policies()
    {
        var handler = await UserAsync("nobody", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:List*","Resource":"*"}]}""", "iam");
        var (status, body) = await QueryApi.Iam.PostAsync(Server.NewHttp(handler), "ListUsers");
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (status, QueryApi.Iam.ErrorCode(body)));
        Assert.Contains($"User: arn:aws:iam::{Account}:user/nobody is not authorized to perform: iam:ListUsers", QueryApi.Iam.Text(body, "Error/Message"));

        // A session (GetSessionToken's, which needs no permission) acts with its user's policies and is not one of its access keys.
        var longTermKeys = await Users.ListAccessKeysAsync(Account, "nobody", "unused", CancellationToken.None);
        var session = await Server.Services.GetRequiredService<AccessKeys>().CreateAsync(Account, $"arn:aws:iam::{Account}:user/nobody", "ASIA",
            DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        var sessionEcs = Ecs(new SigningHandler(session.AccessKeyId, new SigningCredential(session.SecretAccessKey, session.SessionToken)));
        Assert.Equal(HttpStatusCode.OK, (await sessionEcs.SendAsync("ListClusters", new { })).Status);
        Assert.Equal("AccessDeniedException", (await sessionEcs.SendAsync("DescribeClusters", new { clusters = new[] { "web" } })).Error.Type);
        Assert.Single(longTermKeys);
    }

    [Fact]
    public async Task The_event_stream_is_authorized_as_berth_ReadEvents_on_the_cluster()
    {
        await _root!.OkAsync("CreateCluster", new { clusterName = "watched" });
        var clusterArn = _root.ClusterArn("watched");
        var watcher = Server.NewHttp(await UserAsync("watcher", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"berth:ReadEvents","Resource":"{{clusterArn}}"}]}
            """));
        var admin = Server.NewHttp(await UserAsync("ecs-admin", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}"""));

        // Headers only: an allowed stream never ends.
        using (var allowed = await watcher.GetAsync("/_berth/events?cluster=watched&after=latest", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        // Without a cluster the stream carries every cluster's events: allowed on that one cluster is not enough.
        using var everyCluster = await watcher.GetAsync("/_berth/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Forbidden, everyCluster.StatusCode);
        Assert.Contains("berth:ReadEvents on resource: *", await everyCluster.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var ecsOnly = await admin.GetAsync("/_berth/events?cluster=watched", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Forbidden, ecsOnly.StatusCode);
        Assert.Contains("AccessDeniedException", await ecsOnly.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spot_interruptions_are_the_root_users_only()
    {
        var handler = await UserAsync("admin", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""");
        using var response = await Server.NewHttp(handler).PostAsync("/_berth/spot/v1/interrupt", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("AccessDeniedException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The clients carry no region, so their signing handler scopes each request to its own service (in us-east-1).</summary>
    [Fact]
    public async Task Parameters_and_secrets_are_authorized_by_their_ARNs()
    {
        var rootSsm = new EcsClient(AsRoot("ssm"), region: null, "AmazonSSM");
        await rootSsm.OkAsync("PutParameter", new { Name = "/app/url", Value = "u" });
        await rootSsm.OkAsync("PutParameter", new { Name = "/ops/key", Value = "k" });
        var ssm = new EcsClient(Server.NewHttp(await UserAsync("params", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"arn:aws:ssm:us-east-1:{{Account}}:parameter/app/*"}]}
            """, "ssm")), region: null, "AmazonSSM");
        Assert.Equal("u", (string)(await ssm.OkAsync("GetParameter", new { Name = "/app/url" }))["Parameter"]!["Value"]!);
        var refused = await ssm.SendAsync("GetParameter", new { Name = "/ops/key" });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.Error.Type));
        Assert.Contains($"ssm:GetParameter on resource: arn:aws:ssm:us-east-1:{Account}:parameter/ops/key", refused.Error.Message, StringComparison.Ordinal);

        var rootSm = new EcsClient(AsRoot("secretsmanager"), region: null, "secretsmanager");
        await rootSm.OkAsync("CreateSecret", new { Name = "web", SecretString = "w" });
        await rootSm.OkAsync("CreateSecret", new { Name = "db", SecretString = "d" });
        var sm = new EcsClient(Server.NewHttp(await UserAsync("secrets", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:{{Account}}:secret:web-??????"}]}
            """, "secretsmanager")), region: null, "secretsmanager");
        Assert.Equal("w", (string)(await sm.OkAsync("GetSecretValue", new { SecretId = "web" }))["SecretString"]!);
        Assert.Equal(HttpStatusCode.Forbidden, (await sm.SendAsync("GetSecretValue", new { SecretId = "db" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await sm.SendAsync("PutSecretValue", new { SecretId = "web", SecretString = "x" })).Status);
    }
}
