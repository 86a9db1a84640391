using System.Net;
using System.Xml.Linq;
using Berth.Core.Identity.Signing;

namespace Berth.Api.Tests.Identity;

/// <summary>IAM groups: members, paging, IAM's conflicts, and a member holding the group's policies only while it is one.</summary>
public sealed class GroupTests : SigV4ServerTest
{
    private const string ReadClusters = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:DescribeClusters","Resource":"*"}]}""";

    private static QueryApi Iam => QueryApi.Iam;

    private async Task<XElement> OkAsync(string action, params (string Name, string Value)[] parameters)
    {
        var (status, body) = await Iam.PostAsync(AsRoot("iam"), action, parameters);
        Assert.True(status == HttpStatusCode.OK, $"{action}: {status} {body}");
        return body;
    }

    private async Task AssertErrorAsync(HttpStatusCode status, string code, string message, string action, params (string Name, string Value)[] parameters)
    {
        var (actual, body) = await Iam.PostAsync(AsRoot("iam"), action, parameters);
        Assert.Equal((status, code, message), (actual, Iam.ErrorCode(body), Iam.Text(body, "Error/Message")));
    }

    [Fact]
    public async Task Groups_are_created_listed_paged_renamed_and_deleted_with_iam_errors()
    {
        var created = await OkAsync("CreateGroup", ("GroupName", "Admins"), ("Path", "/ops/"));
        Assert.Equal($"arn:aws:iam::{Account}:group/ops/Admins", Iam.Text(created, "CreateGroupResult/Group/Arn"));
        Assert.StartsWith("AGPA", Iam.Text(created, "CreateGroupResult/Group/GroupId"));
        await AssertErrorAsync(HttpStatusCode.Conflict, "EntityAlreadyExists", "Group with name admins already exists.", "CreateGroup", ("GroupName", "admins"));
        await OkAsync("CreateGroup", ("GroupName", "devs"));
        await OkAsync("CreateGroup", ("GroupName", "qa"));

        var first = await OkAsync("ListGroups", ("MaxItems", "2"));
        Assert.Equal(["Admins", "devs"], Iam.Members(first, "GroupName"));
        Assert.Equal("true", Iam.Text(first, "ListGroupsResult/IsTruncated"));
        var rest = await OkAsync("ListGroups", ("Marker", Iam.Text(first, "ListGroupsResult/Marker")));
        Assert.Equal(["qa"], Iam.Members(rest, "GroupName"));
        Assert.Equal(["Admins"], Iam.Members(await OkAsync("ListGroups", ("PathPrefix", "/ops/")), "GroupName"));

        foreach (var user in new[] { "carol", "bob", "alice" })
        {
            await OkAsync("CreateUser", ("UserName", user));
            await OkAsync("AddUserToGroup", ("GroupName", "devs"), ("UserName", user));
        }
        await OkAsync("AddUserToGroup", ("GroupName", "devs"), ("UserName", "alice"));
        var page = await OkAsync("GetGroup", ("GroupName", "devs"), ("MaxItems", "2"));
        Assert.Equal(["alice", "bob"], Iam.Members(page, "UserName"));
        Assert.Equal("devs", Iam.Text(page, "GetGroupResult/Group/GroupName"));
        var last = await OkAsync("GetGroup", ("GroupName", "devs"), ("Marker", Iam.Text(page, "GetGroupResult/Marker")));
        Assert.Equal(["carol"], Iam.Members(last, "UserName"));
        Assert.Equal(["devs"], Iam.Members(await OkAsync("ListGroupsForUser", ("UserName", "bob")), "GroupName"));
        await AssertErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "The user with name nobody cannot be found.", "AddUserToGroup",
            ("GroupName", "devs"), ("UserName", "nobody"));
        await AssertErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "The group with name nogroup cannot be found.", "AddUserToGroup",
            ("GroupName", "nogroup"), ("UserName", "bob"));

        await AssertErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "Cannot delete entity, must remove users from group first.", "DeleteGroup",
            ("GroupName", "devs"));
        await AssertErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "Cannot delete entity, must remove users from all groups first.", "DeleteUser",
            ("UserName", "bob"));
        await OkAsync("PutGroupPolicy", ("GroupName", "qa"), ("PolicyName", "read"), ("PolicyDocument", ReadClusters));
        Assert.Equal(["read"], Iam.Members(await OkAsync("ListGroupPolicies", ("GroupName", "qa")), "member"));
        Assert.Equal(ReadClusters, Uri.UnescapeDataString(Iam.Text(await OkAsync("GetGroupPolicy", ("GroupName", "qa"), ("PolicyName", "read")),
            "GetGroupPolicyResult/PolicyDocument")));
        await AssertErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "Cannot delete entity, must delete policies first.", "DeleteGroup", ("GroupName", "qa"));
        await OkAsync("DeleteGroupPolicy", ("GroupName", "qa"), ("PolicyName", "read"));
        const string ReadOnly = "arn:aws:iam::aws:policy/AmazonECS_FullAccess";
        await OkAsync("AttachGroupPolicy", ("GroupName", "qa"), ("PolicyArn", ReadOnly));
        Assert.Equal([ReadOnly], Iam.Members(await OkAsync("ListAttachedGroupPolicies", ("GroupName", "qa")), "PolicyArn"));
        await AssertErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "Cannot delete entity, must detach all policies first.", "DeleteGroup",
            ("GroupName", "qa"));
        await OkAsync("DetachGroupPolicy", ("GroupName", "qa"), ("PolicyArn", ReadOnly));
        await OkAsync("DeleteGroup", ("GroupName", "qa"));

        await OkAsync("UpdateGroup", ("GroupName", "devs"), ("NewGroupName", "developers"), ("NewPath", "/eng/"));
        var renamed = await OkAsync("GetGroup", ("GroupName", "developers"));
        Assert.Equal($"arn:aws:iam::{Account}:group/eng/developers", Iam.Text(renamed, "GetGroupResult/Group/Arn"));
        Assert.Equal(3, Iam.Members(renamed, "UserName").Count());
        await AssertErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "The group with name devs cannot be found.", "GetGroup", ("GroupName", "devs"));
        await AssertErrorAsync(HttpStatusCode.Conflict, "EntityAlreadyExists", "Group with name Admins already exists.", "UpdateGroup",
            ("GroupName", "developers"), ("NewGroupName", "Admins"));
        foreach (var user in new[] { "carol", "bob", "alice" })
        {
            await OkAsync("RemoveUserFromGroup", ("GroupName", "developers"), ("UserName", user));
        }
        await OkAsync("DeleteUser", ("UserName", "bob"));
        await OkAsync("DeleteGroup", ("GroupName", "developers"));
        Assert.Equal(["Admins"], Iam.Members(await OkAsync("ListGroups"), "GroupName"));
    }

    [Fact]
    public async Task A_member_holds_the_groups_inline_and_attached_policies_until_it_is_removed()
    {
        await OkAsync("CreateUser", ("UserName", "dana"));
        var key = await OkAsync("CreateAccessKey", ("UserName", "dana"));
        var ecs = new EcsClient(Signed(Iam.Text(key, "CreateAccessKeyResult/AccessKey/AccessKeyId"),
            new SigningCredential(Iam.Text(key, "CreateAccessKeyResult/AccessKey/SecretAccessKey")), "ecs"), "us-east-1");
        await OkAsync("CreateGroup", ("GroupName", "readers"));
        await OkAsync("PutGroupPolicy", ("GroupName", "readers"), ("PolicyName", "read"), ("PolicyDocument", ReadClusters));
        var policyArn = Iam.Text(await OkAsync("CreatePolicy", ("PolicyName", "create"),
            ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:CreateCluster","Resource":"*"}]}""")),
            "CreatePolicyResult/Policy/Arn");
        await OkAsync("AttachGroupPolicy", ("GroupName", "readers"), ("PolicyArn", policyArn));
        Assert.Equal(HttpStatusCode.Forbidden, (await ecs.SendAsync("DescribeClusters", new { clusters = new[] { "default" } })).Status);

        await OkAsync("AddUserToGroup", ("GroupName", "readers"), ("UserName", "dana"));
        Assert.Equal(HttpStatusCode.OK, (await ecs.SendAsync("DescribeClusters", new { clusters = new[] { "default" } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await ecs.SendAsync("CreateCluster", new { clusterName = "grouped" })).Status);
        Assert.Equal("1", Iam.Text(await OkAsync("GetPolicy", ("PolicyArn", policyArn)), "GetPolicyResult/Policy/AttachmentCount"));
        await AssertErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", "Cannot delete a policy attached to entities.", "DeletePolicy", ("PolicyArn", policyArn));

        await OkAsync("RemoveUserFromGroup", ("GroupName", "readers"), ("UserName", "dana"));
        var refused = await ecs.SendAsync("DescribeClusters", new { clusters = new[] { "default" } });
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.Error.Type));
        await AssertErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", "The user with name dana cannot be found.", "RemoveUserFromGroup",
            ("GroupName", "readers"), ("UserName", "dana"));
    }
}
