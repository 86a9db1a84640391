using System.Net;
using System.Xml.Linq;
using Berth.Control.Identity;
using Berth.Core.Identity.Signing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Identity;

/// <summary>IAM roles and customer managed policies, and STS AssumeRole: a role's sessions act with its policies and nothing more.</summary>
public sealed class RoleTests : SigV4ServerTest
{
    private const string ReadClusters = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:DescribeClusters","Resource":"*"}]}""";
    private const string AssumeAnyRole = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}""";

    private static QueryApi Iam => QueryApi.Iam;

    private static QueryApi Sts => QueryApi.Sts;

    private static string Trust(string principal) =>
        $$$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"{{{principal}}}"}}]}""";

    private async Task<XElement> IamOkAsync(string action, params (string Name, string Value)[] parameters)
    {
        var (status, body) = await Iam.PostAsync(AsRoot("iam"), action, parameters);
        Assert.True(status == HttpStatusCode.OK, $"{action}: {status} {body}");
        return body;
    }

    private async Task AssertIamErrorAsync(HttpStatusCode status, string code, string action, params (string Name, string Value)[] parameters)
    {
        var (actual, body) = await Iam.PostAsync(AsRoot("iam"), action, parameters);
        Assert.Equal((status, code), (actual, Iam.ErrorCode(body)));
    }

    /// <summary>A user allowed only sts:AssumeRole, and its key.</summary>
    private async Task<(string Arn, string KeyId, SigningCredential Credential)> AssumerAsync(string name)
    {
        var users = Server.Services.GetRequiredService<IamUsers>();
        var user = await users.CreateAsync(Account, name, null, new Dictionary<string, string>(), CancellationToken.None);
        await users.PutPolicyAsync(Account, name, "assume", AssumeAnyRole, CancellationToken.None);
        var key = await users.CreateAccessKeyAsync(Account, name, "unused", CancellationToken.None);
        return (user.Arn, key.AccessKeyId, new SigningCredential(key.SecretAccessKey));
    }

    private Task<(HttpStatusCode Status, XElement Body)> AssumeAsync(string keyId, SigningCredential credential, string roleArn,
        params (string Name, string Value)[] more) =>
        Sts.PostAsync(Signed(keyId, credential, "sts"), "AssumeRole", [("RoleArn", roleArn), ("RoleSessionName", "s1"), .. more]);

    private static (string KeyId, SigningCredential Credential) Credentials(XElement body) => (
        Sts.Text(body, "AssumeRoleResult/Credentials/AccessKeyId"),
        new SigningCredential(Sts.Text(body, "AssumeRoleResult/Credentials/SecretAccessKey"), Sts.Text(body, "AssumeRoleResult/Credentials/SessionToken")));

    [Fact]
    public async Task Roles_are_created_listed_tagged_and_deleted_with_iam_errors()
    {
        var created = await IamOkAsync("CreateRole", ("RoleName", "web"), ("Path", "/app/"), ("AssumeRolePolicyDocument", Trust(Account)),
            ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "blue"));
        Assert.Equal($"arn:aws:iam::{Account}:role/app/web", Iam.Text(created, "CreateRoleResult/Role/Arn"));
        Assert.StartsWith("AROA", Iam.Text(created, "CreateRoleResult/Role/RoleId"));
        Assert.Equal("3600", Iam.Text(created, "CreateRoleResult/Role/MaxSessionDuration"));
        Assert.Equal(Trust(Account), Uri.UnescapeDataString(Iam.Text(await IamOkAsync("GetRole", ("RoleName", "WEB")), "GetRoleResult/Role/AssumeRolePolicyDocument")));
        await AssertIamErrorAsync(HttpStatusCode.Conflict, "EntityAlreadyExists", "CreateRole", ("RoleName", "Web"), ("AssumeRolePolicyDocument", Trust(Account)));
        await AssertIamErrorAsync(HttpStatusCode.BadRequest, "MalformedPolicyDocument", "CreateRole", ("RoleName", "bad"),
            ("AssumeRolePolicyDocument", ReadClusters));
        await AssertIamErrorAsync(HttpStatusCode.BadRequest, "ValidationError", "CreateRole", ("RoleName", "long"), ("AssumeRolePolicyDocument", Trust(Account)),
            ("MaxSessionDuration", "60"));
        await AssertIamErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "GetRole", ("RoleName", "nope"));

        await IamOkAsync("CreateRole", ("RoleName", "api"), ("AssumeRolePolicyDocument", Trust(Account)));
        var first = await IamOkAsync("ListRoles", ("MaxItems", "1"));
        Assert.Equal(["api"], Iam.Members(first, "Roles/member/RoleName"));
        Assert.Equal("true", Iam.Text(first, "ListRolesResult/IsTruncated"));
        var second = await IamOkAsync("ListRoles", ("Marker", Iam.Text(first, "ListRolesResult/Marker")));
        Assert.Equal(["web"], Iam.Members(second, "Roles/member/RoleName"));
        Assert.Equal("false", Iam.Text(second, "ListRolesResult/IsTruncated"));

        await IamOkAsync("TagRole", ("RoleName", "web"), ("Tags.member.1.Key", "env"), ("Tags.member.1.Value", "prod"));
        await IamOkAsync("UntagRole", ("RoleName", "web"), ("TagKeys.member.1", "TEAM"));
        Assert.Equal(["env"], Iam.Members(await IamOkAsync("ListRoleTags", ("RoleName", "web")), "Tags/member/Key"));
        Assert.Empty(Iam.Members(await IamOkAsync("ListInstanceProfilesForRole", ("RoleName", "web")), "InstanceProfiles/member"));

        await IamOkAsync("PutRolePolicy", ("RoleName", "web"), ("PolicyName", "read"), ("PolicyDocument", ReadClusters));
        await IamOkAsync("AttachRolePolicy", ("RoleName", "web"), ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"));
        await AssertIamErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "DeleteRole", ("RoleName", "web"));
        await IamOkAsync("DeleteRolePolicy", ("RoleName", "web"), ("PolicyName", "read"));
        await AssertIamErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "DeleteRole", ("RoleName", "web"));
        await IamOkAsync("DetachRolePolicy", ("RoleName", "web"), ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"));
        await IamOkAsync("DeleteRole", ("RoleName", "web"));
        await AssertIamErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "DeleteRole", ("RoleName", "web"));
    }

    [Fact]
    public async Task Ecs_service_linked_role_is_made_once_and_protected_and_other_services_are_refused()
    {
        var created = await IamOkAsync("CreateServiceLinkedRole", ("AWSServiceName", "ecs.amazonaws.com"));
        Assert.Equal($"arn:aws:iam::{Account}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
            Iam.Text(created, "CreateServiceLinkedRoleResult/Role/Arn"));
        await AssertIamErrorAsync(HttpStatusCode.BadRequest, "InvalidInput", "CreateServiceLinkedRole", ("AWSServiceName", "ecs.amazonaws.com"));
        await AssertIamErrorAsync(HttpStatusCode.BadRequest, "InvalidInput", "CreateServiceLinkedRole", ("AWSServiceName", "autoscaling.amazonaws.com"));
        await AssertIamErrorAsync(HttpStatusCode.BadRequest, "UnmodifiableEntity", "DeleteRole", ("RoleName", "AWSServiceRoleForECS"));
    }

    [Fact]
    public async Task Customer_managed_policies_keep_five_versions_and_refuse_deletion_while_attached()
    {
        var arn = Iam.Text(await IamOkAsync("CreatePolicy", ("PolicyName", "readers"), ("PolicyDocument", ReadClusters)), "CreatePolicyResult/Policy/Arn");
        Assert.Equal($"arn:aws:iam::{Account}:policy/readers", arn);
        await AssertIamErrorAsync(HttpStatusCode.Conflict, "EntityAlreadyExists", "CreatePolicy", ("PolicyName", "READERS"), ("PolicyDocument", ReadClusters));
        await AssertIamErrorAsync(HttpStatusCode.BadRequest, "MalformedPolicyDocument", "CreatePolicy", ("PolicyName", "bad"), ("PolicyDocument", Trust(Account)));
        for (var version = 2; version <= 5; version++)
        {
            var made = await IamOkAsync("CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", ReadClusters), ("SetAsDefault", version == 3 ? "true" : "false"));
            Assert.Equal($"v{version}", Iam.Text(made, "CreatePolicyVersionResult/PolicyVersion/VersionId"));
        }
        await AssertIamErrorAsync(HttpStatusCode.Conflict, "LimitExceeded", "CreatePolicyVersion", ("PolicyArn", arn), ("PolicyDocument", ReadClusters));
        Assert.Equal("v3", Iam.Text(await IamOkAsync("GetPolicy", ("PolicyArn", arn)), "GetPolicyResult/Policy/DefaultVersionId"));
        Assert.Equal(["v5", "v4", "v3", "v2", "v1"], Iam.Members(await IamOkAsync("ListPolicyVersions", ("PolicyArn", arn)), "Versions/member/VersionId"));
        Assert.Equal(ReadClusters, Uri.UnescapeDataString(Iam.Text(await IamOkAsync("GetPolicyVersion", ("PolicyArn", arn), ("VersionId", "v2")),
            "GetPolicyVersionResult/PolicyVersion/Document")));
        await AssertIamErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "DeletePolicyVersion", ("PolicyArn", arn), ("VersionId", "v3"));

        await IamOkAsync("CreateRole", ("RoleName", "reader"), ("AssumeRolePolicyDocument", Trust(Account)));
        await IamOkAsync("AttachRolePolicy", ("RoleName", "reader"), ("PolicyArn", arn));
        Assert.Equal([arn], Iam.Members(await IamOkAsync("ListPolicies", ("Scope", "Local"), ("OnlyAttached", "true")), "Policies/member/Arn"));
        Assert.Equal("1", Iam.Text(await IamOkAsync("GetPolicy", ("PolicyArn", arn)), "GetPolicyResult/Policy/AttachmentCount"));
        await AssertIamErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "DeletePolicy", ("PolicyArn", arn));
        await IamOkAsync("DetachRolePolicy", ("RoleName", "reader"), ("PolicyArn", arn));
        await AssertIamErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "DeletePolicy", ("PolicyArn", arn));
        foreach (var version in new[] { "v1", "v2", "v4", "v5" })
        {
            await IamOkAsync("DeletePolicyVersion", ("PolicyArn", arn), ("VersionId", version));
        }
        await IamOkAsync("DeletePolicy", ("PolicyArn", arn));
        Assert.Empty(Iam.Members(await IamOkAsync("ListPolicies", ("Scope", "Local")), "Policies/member/Arn"));
    }

    [Fact]
    public async Task A_user_trusted_by_a_role_assumes_it_and_gets_exactly_the_roles_permissions()
    {
        var (userArn, keyId, credential) = await AssumerAsync("alice");
        var roleArn = Iam.Text(await IamOkAsync("CreateRole", ("RoleName", "reader"), ("AssumeRolePolicyDocument", Trust(userArn)),
            ("MaxSessionDuration", "7200")), "CreateRoleResult/Role/Arn");
        var policyArn = Iam.Text(await IamOkAsync("CreatePolicy", ("PolicyName", "read"), ("PolicyDocument", ReadClusters)), "CreatePolicyResult/Policy/Arn");
        await IamOkAsync("AttachRolePolicy", ("RoleName", "reader"), ("PolicyArn", policyArn));

        var before = DateTimeOffset.UtcNow;
        var (status, body) = await AssumeAsync(keyId, credential, roleArn, ("DurationSeconds", "5400"));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/reader/s1", Sts.Text(body, "AssumeRoleResult/AssumedRoleUser/Arn"));
        var roleId = Iam.Text(await IamOkAsync("GetRole", ("RoleName", "reader")), "GetRoleResult/Role/RoleId");
        Assert.Equal($"{roleId}:s1", Sts.Text(body, "AssumeRoleResult/AssumedRoleUser/AssumedRoleId"));
        var expiration = DateTimeOffset.Parse(Sts.Text(body, "AssumeRoleResult/Credentials/Expiration"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiration, before.AddSeconds(5400 - 1), DateTimeOffset.UtcNow.AddSeconds(5400 + 1));

        var (sessionKey, session) = Credentials(body);
        var identity = (await Sts.PostAsync(Signed(sessionKey, session, "sts"), "GetCallerIdentity")).Body;
        Assert.Equal(($"arn:aws:sts::{Account}:assumed-role/reader/s1", $"{roleId}:s1"),
            (Sts.Text(identity, "GetCallerIdentityResult/Arn"), Sts.Text(identity, "GetCallerIdentityResult/UserId")));
        var ecs = new EcsClient(Signed(sessionKey, session, "ecs"), "us-east-1");
        Assert.Equal(HttpStatusCode.OK, (await ecs.SendAsync("DescribeClusters", new { clusters = new[] { "default" } })).Status);
        var refused = await ecs.SendAsync("CreateCluster", new { clusterName = "mine" });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.Error.Type));
        Assert.StartsWith($"User: arn:aws:sts::{Account}:assumed-role/reader/s1 is not authorized to perform: ecs:CreateCluster", refused.Error.Message);

        // A new default version applies at once: the session's permissions are the role's as they are now.
        await IamOkAsync("CreatePolicyVersion", ("PolicyArn", policyArn), ("SetAsDefault", "true"),
            ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:CreateCluster","Resource":"*"}]}"""));
        Assert.Equal(HttpStatusCode.OK, (await ecs.SendAsync("CreateCluster", new { clusterName = "mine" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await ecs.SendAsync("DescribeClusters", new { clusters = new[] { "default" } })).Status);

        // Role chaining: the role's session may not assume a role for more than an hour (nor at all without sts:AssumeRole).
        var (chainedStatus, chained) = await AssumeAsync(sessionKey, session, roleArn, ("DurationSeconds", "3601"));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (chainedStatus, Sts.ErrorCode(chained)));
    }

    [Fact]
    public async Task A_role_made_again_under_the_same_name_does_not_give_the_old_roles_sessions_its_permissions()
    {
        var (userArn, keyId, credential) = await AssumerAsync("rebuilder");
        var roleArn = Iam.Text(await IamOkAsync("CreateRole", ("RoleName", "rebuilt"), ("AssumeRolePolicyDocument", Trust(userArn))), "CreateRoleResult/Role/Arn");
        await IamOkAsync("PutRolePolicy", ("RoleName", "rebuilt"), ("PolicyName", "read"), ("PolicyDocument", ReadClusters));
        var (status, body) = await AssumeAsync(keyId, credential, roleArn);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var (oldKey, oldSession) = Credentials(body);
        var oldEcs = new EcsClient(Signed(oldKey, oldSession, "ecs"), "us-east-1");
        Assert.Equal(HttpStatusCode.OK, (await oldEcs.SendAsync("DescribeClusters", new { clusters = new[] { "default" } })).Status);

        await IamOkAsync("DeleteRolePolicy", ("RoleName", "rebuilt"), ("PolicyName", "read"));
        await IamOkAsync("DeleteRole", ("RoleName", "rebuilt"));
        await IamOkAsync("CreateRole", ("RoleName", "rebuilt"), ("AssumeRolePolicyDocument", Trust(userArn)));
        await IamOkAsync("PutRolePolicy", ("RoleName", "rebuilt"), ("PolicyName", "all"),
            ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}"""));

        // The old session is refused as an unknown key would be, whatever the new role allows.
        var refused = await oldEcs.SendAsync("DescribeClusters", new { clusters = new[] { "default" } });
        Assert.Equal((HttpStatusCode.Forbidden, "UnrecognizedClientException"), (refused.Status, refused.Error.Type));
        var (stsStatus, stsBody) = await Sts.PostAsync(Signed(oldKey, oldSession, "sts"), "GetCallerIdentity");
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidClientTokenId"), (stsStatus, Sts.ErrorCode(stsBody)));
        var (newStatus, newBody) = await AssumeAsync(keyId, credential, roleArn);
        Assert.True(newStatus == HttpStatusCode.OK, newBody.ToString());
        var (newKey, newSession) = Credentials(newBody);
        Assert.Equal(HttpStatusCode.OK, (await new EcsClient(Signed(newKey, newSession, "ecs"), "us-east-1").SendAsync("CreateCluster", new { clusterName = "rebuilt" })).Status);
    }

    [Fact]
    public async Task Assume_role_checks_the_trust_policy_the_duration_and_the_external_id()
    {
        var (_, keyId, credential) = await AssumerAsync("bob");
        var strangerRole = Iam.Text(await IamOkAsync("CreateRole", ("RoleName", "private"),
            ("AssumeRolePolicyDocument", Trust($"arn:aws:iam::{Account}:user/carol"))), "CreateRoleResult/Role/Arn");
        var (status, body) = await AssumeAsync(keyId, credential, strangerRole);
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (status, Sts.ErrorCode(body)));
        Assert.Equal($"User: arn:aws:iam::{Account}:user/bob is not authorized to perform: sts:AssumeRole on resource: {strangerRole}",
            Sts.Text(body, "Error/Message"));
        Assert.Equal("AccessDenied", Sts.ErrorCode((await AssumeAsync(keyId, credential, $"arn:aws:iam::{Account}:role/missing")).Body));

        var guarded = Iam.Text(await IamOkAsync("CreateRole", ("RoleName", "guarded"), ("AssumeRolePolicyDocument", $$$$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"{{{{Account}}}}"},
              "Condition":{"StringEquals":{"sts:ExternalId":"s3cret"}}}]}
            """)), "CreateRoleResult/Role/Arn");
        Assert.Equal("AccessDenied", Sts.ErrorCode((await AssumeAsync(keyId, credential, guarded)).Body));
        Assert.Equal("AccessDenied", Sts.ErrorCode((await AssumeAsync(keyId, credential, guarded, ("ExternalId", "guess"))).Body));
        Assert.Equal(HttpStatusCode.OK, (await AssumeAsync(keyId, credential, guarded, ("ExternalId", "s3cret"))).Status);

        var tooLong = await AssumeAsync(keyId, credential, guarded, ("ExternalId", "s3cret"), ("DurationSeconds", "3601"));
        Assert.Equal((HttpStatusCode.BadRequest, "ValidationError"), (tooLong.Status, Sts.ErrorCode(tooLong.Body)));
        Assert.Equal("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", Sts.Text(tooLong.Body, "Error/Message"));
        Assert.Equal("ValidationError", Sts.ErrorCode((await AssumeAsync(keyId, credential, guarded, ("ExternalId", "s3cret"), ("DurationSeconds", "600"))).Body));
        var badName = await Sts.PostAsync(Signed(keyId, credential, "sts"), "AssumeRole", ("RoleArn", guarded), ("RoleSessionName", "a b"));
        Assert.Equal("ValidationError", Sts.ErrorCode(badName.Body));
        var sessionPolicy = await AssumeAsync(keyId, credential, guarded, ("ExternalId", "s3cret"), ("Policy", ReadClusters));
        Assert.Equal((HttpStatusCode.BadRequest, "UnsupportedFeature"), (sessionPolicy.Status, Sts.ErrorCode(sessionPolicy.Body)));
    }

    [Fact]
    public async Task A_roles_session_assumes_a_role_that_trusts_the_role_for_at_most_an_hour()
    {
        var (_, keyId, credential) = await AssumerAsync("dan");
        var first = Iam.Text(await IamOkAsync("CreateRole", ("RoleName", "first"), ("AssumeRolePolicyDocument", Trust(Account))), "CreateRoleResult/Role/Arn");
        await IamOkAsync("PutRolePolicy", ("RoleName", "first"), ("PolicyName", "assume"), ("PolicyDocument", AssumeAnyRole));
        var second = Iam.Text(await IamOkAsync("CreateRole", ("RoleName", "second"), ("AssumeRolePolicyDocument", Trust(first)),
            ("MaxSessionDuration", "43200")), "CreateRoleResult/Role/Arn");
        var (sessionKey, session) = Credentials((await AssumeAsync(keyId, credential, first)).Body);

        Assert.Equal("AccessDenied", Sts.ErrorCode((await AssumeAsync(keyId, credential, second)).Body));
        var tooLong = await AssumeAsync(sessionKey, session, second, ("DurationSeconds", "7200"));
        Assert.Equal("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", Sts.Text(tooLong.Body, "Error/Message"));
        var chained = await AssumeAsync(sessionKey, session, second);
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/second/s1", Sts.Text(chained.Body, "AssumeRoleResult/AssumedRoleUser/Arn"));
    }
}
