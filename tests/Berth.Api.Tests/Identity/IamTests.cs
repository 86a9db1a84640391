using System.Net;
using System.Xml.Linq;

namespace Berth.Api.Tests.Identity;

/// <summary>IAM's users, access keys and user policies on a sigv4 server, driven as the root user.</summary>
public sealed class IamTests : SigV4ServerTest
{
    private static QueryApi Iam => QueryApi.Iam;

    private Task<(HttpStatusCode Status, XElement Body)> AsRootAsync(string action, params (string Name, string Value)[] parameters) =>
        Iam.PostAsync(AsRoot("iam"), action, parameters);

    private IEnumerable<string> Members(XElement body, string path) => Iam.Members(body, path);

    private static string Text(XElement body, string path) => Iam.Text(body, path);

    private async Task<string> OkAsync(string action, string resultPath, params (string Name, string Value)[] parameters)
    {
        var (status, body) = await AsRootAsync(action, parameters);
        Assert.True(status == HttpStatusCode.OK, $"{action}: {status} {body}");
        return resultPath.Length == 0 ? "" : Text(body, resultPath);
    }

    private async Task AssertErrorAsync(HttpStatusCode status, string code, string action, params (string Name, string Value)[] parameters)
    {
        var (actual, body) = await AsRootAsync(action, parameters);
        Assert.Equal((status, code), (actual, Text(body, "Error/Code")));
    }

    [Fact]
    public async Task Users_are_created_listed_got_and_deleted_with_iam_errors()
    {
        var arn = await OkAsync("CreateUser", "CreateUserResult/User/Arn", ("UserName", "alice"), ("Path", "/team/"));
        Assert.Equal("arn:aws:iam::000000000000:user/team/alice", arn);
        await AssertErrorAsync(HttpStatusCode.Conflict, "EntityAlreadyExists", "CreateUser", ("UserName", "ALICE"));
        Assert.StartsWith("AIDA", await OkAsync("GetUser", "GetUserResult/User/UserId", ("UserName", "alice")));
        Assert.Equal(["alice"], Members((await AsRootAsync("ListUsers")).Body, "Users/member/UserName"));
        await AssertErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "GetUser", ("UserName", "bob"));
        await AssertErrorAsync(HttpStatusCode.BadRequest, "ValidationError", "CreateUser");
        await AssertErrorAsync(HttpStatusCode.BadRequest, "ValidationError", "CreateUser", ("UserName", "a/b"));
        await AssertErrorAsync(HttpStatusCode.BadRequest, "ValidationError", "CreateUser", ("UserName", "erin"), ("Path", "team"));
        await AssertErrorAsync(HttpStatusCode.BadRequest, "InvalidInput", "CreateUser", ("UserName", "erin"),
            ("Tags.member.1.Key", "k"), ("Tags.member.1.Value", "1"), ("Tags.member.2.Key", "K"), ("Tags.member.2.Value", "2"));

        await OkAsync("PutUserPolicy", "", ("UserName", "alice"), ("PolicyName", "p"), ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:List*","Resource":"*"}]}"""));
        await AssertErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "DeleteUser", ("UserName", "alice"));
        await OkAsync("DeleteUserPolicy", "", ("UserName", "alice"), ("PolicyName", "p"));
        await OkAsync("DeleteUser", "", ("UserName", "alice"));
        await AssertErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "DeleteUser", ("UserName", "alice"));
    }

    [Fact]
    public async Task Access_keys_are_made_listed_deactivated_and_deleted()
    {
        await OkAsync("CreateUser", "", ("UserName", "carol"));
        var keyId = await OkAsync("CreateAccessKey", "CreateAccessKeyResult/AccessKey/AccessKeyId", ("UserName", "carol"));
        Assert.Matches("^AKIA[A-Z2-7]{16}$", keyId);
        await OkAsync("CreateAccessKey", "", ("UserName", "carol"));
        await AssertErrorAsync(HttpStatusCode.Conflict, "LimitExceeded", "CreateAccessKey", ("UserName", "carol"));
        Assert.Equal(2, Members((await AsRootAsync("ListAccessKeys", ("UserName", "carol"))).Body, "AccessKeyMetadata/member/AccessKeyId").Count());

        await OkAsync("UpdateAccessKey", "", ("UserName", "carol"), ("AccessKeyId", keyId), ("Status", "Inactive"));
        Assert.Contains("Inactive", Members((await AsRootAsync("ListAccessKeys", ("UserName", "carol"))).Body, "AccessKeyMetadata/member/Status"));
        await AssertErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "DeleteAccessKey", ("UserName", "carol"), ("AccessKeyId", Root.AccessKeyId));
        await OkAsync("DeleteAccessKey", "", ("UserName", "carol"), ("AccessKeyId", keyId));
        Assert.Single(Members((await AsRootAsync("ListAccessKeys", ("UserName", "carol"))).Body, "AccessKeyMetadata/member/AccessKeyId"));
    }

    [Fact]
    public async Task Inline_policies_are_validated_and_managed_policies_attach()
    {
        await OkAsync("CreateUser", "", ("UserName", "dave"));
        var document = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}]}""";
        await OkAsync("PutUserPolicy", "", ("UserName", "dave"), ("PolicyName", "read"), ("PolicyDocument", document));
        await AssertErrorAsync(HttpStatusCode.BadRequest, "MalformedPolicyDocument", "PutUserPolicy", ("UserName", "dave"), ("PolicyName", "bad"),
            ("PolicyDocument", """{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}"""));
        Assert.Equal(document, Uri.UnescapeDataString(await OkAsync("GetUserPolicy", "GetUserPolicyResult/PolicyDocument", ("UserName", "dave"), ("PolicyName", "read"))));
        Assert.Equal(["read"], Members((await AsRootAsync("ListUserPolicies", ("UserName", "dave"))).Body, "PolicyNames/member"));

        const string readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        await OkAsync("AttachUserPolicy", "", ("UserName", "dave"), ("PolicyArn", readOnly));
        await AssertErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "AttachUserPolicy", ("UserName", "dave"), ("PolicyArn", "arn:aws:iam::aws:policy/Nope"));
        Assert.Equal([readOnly], Members((await AsRootAsync("ListAttachedUserPolicies", ("UserName", "dave"))).Body, "AttachedPolicies/member/PolicyArn"));
        Assert.Equal("1", await OkAsync("GetPolicy", "GetPolicyResult/Policy/AttachmentCount", ("PolicyArn", readOnly)));
        Assert.Contains("arn:aws:iam::aws:policy/AdministratorAccess", Members((await AsRootAsync("ListPolicies")).Body, "Policies/member/Arn"));
        await OkAsync("DetachUserPolicy", "", ("UserName", "dave"), ("PolicyArn", readOnly));
        await AssertErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "DetachUserPolicy", ("UserName", "dave"), ("PolicyArn", readOnly));
    }
}
