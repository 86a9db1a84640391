using System.Net;
using System.Xml.Linq;
using Berth.Core.Identity.Signing;

namespace Berth.Api.Tests.Identity;

/// <summary>Permissions boundaries: shown by GetUser/GetRole, and a request is allowed only if the identity policies and the boundary both allow it.</summary>
public sealed class PermissionsBoundaryTests : SigV4ServerTest
{
    private const string EcsAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}""";

    private static QueryApi Iam => QueryApi.Iam;

    private async Task<XElement> OkAsync(string action, params (string Name, string Value)[] parameters)
    {
        var (status, body) = await Iam.PostAsync(AsRoot("iam"), action, parameters);
        Assert.True(status == HttpStatusCode.OK, $"{action}: {status} {body}");
        return body;
    }

    private async Task<string> PolicyAsync(string name, string document) =>
        Iam.Text(await OkAsync("CreatePolicy", ("PolicyName", name), ("PolicyDocument", document)), "CreatePolicyResult/Policy/Arn");

    [Fact]
    public async Task A_users_boundary_limits_what_its_policies_allow_and_an_explicit_deny_in_it_wins()
    {
        var describeOnly = await PolicyAsync("describe-only", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:Describe*","ecs:CreateCluster"],"Resource":"*"},
              {"Effect":"Deny","Action":"ecs:CreateCluster","Resource":"*"}]}
            """);
        var created = await OkAsync("CreateUser", ("UserName", "bounded"), ("PermissionsBoundary", describeOnly));
        Assert.Equal(describeOnly, Iam.Text(created, "CreateUserResult/User/PermissionsBoundary/PermissionsBoundaryArn"));
        Assert.Equal("PermissionsBoundaryPolicy", Iam.Text(await OkAsync("GetUser", ("UserName", "bounded")),
            "GetUserResult/User/PermissionsBoundary/PermissionsBoundaryType"));
        await OkAsync("PutUserPolicy", ("UserName", "bounded"), ("PolicyName", "all"), ("PolicyDocument", EcsAll));
        var key = await OkAsync("CreateAccessKey", ("UserName", "bounded"));
        var ecs = new EcsClient(Signed(Iam.Text(key, "CreateAccessKeyResult/AccessKey/AccessKeyId"),
            new SigningCredential(Iam.Text(key, "CreateAccessKeyResult/AccessKey/SecretAccessKey")), "ecs"), "us-east-1");

        Assert.Equal(HttpStatusCode.OK, (await ecs.SendAsync("DescribeClusters", new { clusters = new[] { "default" } })).Status);
        var outside = await ecs.SendAsync("ListClusters", new { });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (outside.Status, outside.Error.Type));
        Assert.Equal("User: arn:aws:iam::000000000000:user/bounded is not authorized to perform: ecs:ListClusters on resource: * " +
            "because no permissions boundary allows the ecs:ListClusters action", outside.Error.Message);
        var denied = await ecs.SendAsync("CreateCluster", new { clusterName = "nope" });
        Assert.EndsWith("with an explicit deny in a permissions boundary", denied.Error.Message);

        await OkAsync("DeleteUserPermissionsBoundary", ("UserName", "bounded"));
        Assert.Equal(HttpStatusCode.OK, (await ecs.SendAsync("ListClusters", new { })).Status);
        Assert.DoesNotContain("PermissionsBoundary", (await OkAsync("GetUser", ("UserName", "bounded"))).ToString(), StringComparison.Ordinal);

        // The boundary alone allows nothing: the identity policies must allow too.
        await OkAsync("PutUserPermissionsBoundary", ("UserName", "bounded"), ("PermissionsBoundary", "arn:aws:iam::aws:policy/AdministratorAccess"));
        await OkAsync("DeleteUserPolicy", ("UserName", "bounded"), ("PolicyName", "all"));
        Assert.Equal(HttpStatusCode.Forbidden, (await ecs.SendAsync("ListClusters", new { })).Status);
        var (status, body) = await Iam.PostAsync(AsRoot("iam"), "PutUserPermissionsBoundary", ("UserName", "bounded"),
            ("PermissionsBoundary", "arn:aws:iam::000000000000:policy/missing"));
        Assert.Equal((HttpStatusCode.NotFound, "NoSuchEntity"), (status, Iam.ErrorCode(body)));
    }

    [Fact]
    public async Task A_roles_boundary_limits_its_sessions()
    {
        var listOnly = await PolicyAsync("list-only", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:ListClusters","Resource":"*"}]}""");
        await OkAsync("CreateUser", ("UserName", "assumer"));
        await OkAsync("PutUserPolicy", ("UserName", "assumer"), ("PolicyName", "assume"),
            ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"""));
        var userKey = await OkAsync("CreateAccessKey", ("UserName", "assumer"));
        var trust = $$$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::{{{Account}}}:user/assumer"}}]}""";
        var role = await OkAsync("CreateRole", ("RoleName", "bounded-role"), ("AssumeRolePolicyDocument", trust), ("PermissionsBoundary", listOnly));
        Assert.Equal(listOnly, Iam.Text(role, "CreateRoleResult/Role/PermissionsBoundary/PermissionsBoundaryArn"));
        await OkAsync("PutRolePolicy", ("RoleName", "bounded-role"), ("PolicyName", "all"), ("PolicyDocument", EcsAll));

        var (status, assumed) = await QueryApi.Sts.PostAsync(Signed(Iam.Text(userKey, "CreateAccessKeyResult/AccessKey/AccessKeyId"),
            new SigningCredential(Iam.Text(userKey, "CreateAccessKeyResult/AccessKey/SecretAccessKey")), "sts"), "AssumeRole",
            ("RoleArn", Iam.Text(role, "CreateRoleResult/Role/Arn")), ("RoleSessionName", "s1"));
        Assert.True(status == HttpStatusCode.OK, assumed.ToString());
        var session = new EcsClient(Signed(QueryApi.Sts.Text(assumed, "AssumeRoleResult/Credentials/AccessKeyId"),
            new SigningCredential(QueryApi.Sts.Text(assumed, "AssumeRoleResult/Credentials/SecretAccessKey"),
                QueryApi.Sts.Text(assumed, "AssumeRoleResult/Credentials/SessionToken")), "ecs"), "us-east-1");
        Assert.Equal(HttpStatusCode.OK, (await session.SendAsync("ListClusters", new { })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await session.SendAsync("CreateCluster", new { clusterName = "nope" })).Status);

        await OkAsync("DeleteRolePermissionsBoundary", ("RoleName", "bounded-role"));
        Assert.Equal(HttpStatusCode.OK, (await session.SendAsync("CreateCluster", new { clusterName = "now-allowed" })).Status);
    }
}
