using System.Text.Json.Nodes;

namespace Berth.Api.Tests.Secrets;

public class ParameterStoreApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ssm = server.NewJsonClient("AmazonSSM");

    private static List<string> Names(JsonNode response, string member = "Parameters") =>
        [.. response[member]!.AsArray().Select(p => (string)p!["Name"]!)];

    [Fact]
    public async Task Versions_selectors_and_overwrite_follow_parameter_store()
    {
        JsonAssert.Equal("""{"Version": 1, "Tier": "Standard"}""", await _ssm.OkAsync("PutParameter", new { Name = "/app/db/host", Value = "db-1", Type = "String" }));
        Assert.Equal(("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."),
            await _ssm.ErrorAsync("PutParameter", new { Name = "/app/db/host", Value = "db-2", Type = "String" }));
        Assert.Equal(2, (int)(await _ssm.OkAsync("PutParameter", new { Name = "/app/db/host", Value = "db-2", Overwrite = true }))["Version"]!);

        var latest = (await _ssm.OkAsync("GetParameter", new { Name = "/app/db/host" }))["Parameter"]!.AsObject();
        Assert.Equal(("db-2", 2, "String", "text"), ((string)latest["Value"]!, (int)latest["Version"]!, (string)latest["Type"]!, (string)latest["DataType"]!));
        Assert.Equal($"arn:aws:ssm:{_ssm.Region}:000000000000:parameter/app/db/host", (string)latest["ARN"]!);
        Assert.Null(latest["Selector"]);

        var first = (await _ssm.OkAsync("GetParameter", new { Name = "/app/db/host:1" }))["Parameter"]!;
        Assert.Equal(("db-1", ":1"), ((string)first["Value"]!, (string)first["Selector"]!));
        var byArn = (await _ssm.OkAsync("GetParameter", new { Name = $"arn:aws:ssm:{_ssm.Region}:000000000000:parameter/app/db/host:1" }))["Parameter"]!;
        Assert.Equal("db-1", (string)byArn["Value"]!);
        Assert.Equal(("ParameterVersionNotFound", "Systems Manager could not find version 9 of /app/db/host. Verify the version and try again."),
            await _ssm.ErrorAsync("GetParameter", new { Name = "/app/db/host:9" }));
        Assert.Equal(("ParameterNotFound", ""), await _ssm.ErrorAsync("GetParameter", new { Name = "/app/absent" }));

        var many = await _ssm.OkAsync("GetParameters", new { Names = new[] { "/app/db/host", "/app/db/host:1", "/nope", "/app/db/host:7" } });
        Assert.Equal(["db-2", "db-1"], many["Parameters"]!.AsArray().Select(p => (string)p!["Value"]!));
        Assert.Equal(["/nope", "/app/db/host:7"], many["InvalidParameters"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task A_SecureString_is_answered_sealed_unless_decrypted()
    {
        await _ssm.OkAsync("PutParameter", new { Name = "/app/password", Value = "hunter2", Type = "SecureString" });
        var sealedValue = (string)(await _ssm.OkAsync("GetParameter", new { Name = "/app/password" }))["Parameter"]!["Value"]!;
        Assert.NotEqual("hunter2", sealedValue);
        Assert.DoesNotContain("hunter2", sealedValue, StringComparison.Ordinal);
        Assert.NotEmpty(Convert.FromBase64String(sealedValue));
        Assert.Equal("hunter2", (string)(await _ssm.OkAsync("GetParameter", new { Name = "/app/password", WithDecryption = true }))["Parameter"]!["Value"]!);

        var described = (await _ssm.OkAsync("DescribeParameters", new { ParameterFilters = new[] { new { Key = "Name", Values = new[] { "/app/password" } } } }))["Parameters"]![0]!;
        Assert.Equal(("SecureString", "alias/aws/ssm"), ((string)described["Type"]!, (string)described["KeyId"]!));
        Assert.Null(described["Value"]);
        Assert.Equal(("ValidationException", "KeyId is required for SecureString type parameter only."),
            await _ssm.ErrorAsync("PutParameter", new { Name = "/app/plain", Value = "v", Type = "String", KeyId = "alias/mine" }));
    }

    [Fact]
    public async Task Paths_are_listed_one_level_or_recursively_in_pages()
    {
        foreach (var name in new[] { "/svc/a", "/svc/b", "/svc/c", "/svc/deep/d", "/svc/deep/er/e", "/other/x" })
        {
            await _ssm.OkAsync("PutParameter", new { Name = name, Value = name, Type = "String" });
        }
        Assert.Equal(["/svc/a", "/svc/b", "/svc/c"], Names(await _ssm.OkAsync("GetParametersByPath", new { Path = "/svc" })));

        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await _ssm.OkAsync("GetParametersByPath", token is null ? new { Path = "/svc/", Recursive = true, MaxResults = 2 } : new { Path = "/svc/", Recursive = true, MaxResults = 2, NextToken = token });
            Assert.InRange(page["Parameters"]!.AsArray().Count, 1, 2);
            names.AddRange(Names(page));
            token = (string?)page["NextToken"];
        }
        while (token is not null);
        Assert.Equal(["/svc/a", "/svc/b", "/svc/c", "/svc/deep/d", "/svc/deep/er/e"], names);

        Assert.Equal("InvalidFilterKey", (await _ssm.ErrorAsync("GetParametersByPath", new { Path = "/svc", ParameterFilters = new[] { new { Key = "Name", Values = new[] { "x" } } } })).Type);
        Assert.Equal("ValidationException", (await _ssm.ErrorAsync("GetParametersByPath", new { Path = "svc" })).Type);
        Assert.Equal("ValidationException", (await _ssm.ErrorAsync("GetParametersByPath", new { Path = "/svc", MaxResults = 11 })).Type);
        Assert.Equal("InvalidNextToken", (await _ssm.ErrorAsync("GetParametersByPath", new { Path = "/svc", NextToken = "%%%" })).Type);
    }

    [Fact]
    public async Task DescribeParameters_filters_by_name_path_type_and_tag()
    {
        await _ssm.OkAsync("PutParameter", new { Name = "/team/a/url", Value = "u", Type = "String", Tags = new[] { new { Key = "env", Value = "prod" } } });
        await _ssm.OkAsync("PutParameter", new { Name = "/team/a/list", Value = "x,y", Type = "StringList" });
        await _ssm.OkAsync("PutParameter", new { Name = "/team/b/key", Value = "k", Type = "SecureString", Description = "the key" });
        await _ssm.OkAsync("PutParameter", new { Name = "plain", Value = "p", Type = "String" });

        async Task<List<string>> Describe(object filters) => Names(await _ssm.OkAsync("DescribeParameters", filters));
        Assert.Equal(["/team/a/list", "/team/a/url", "/team/b/key", "plain"], await Describe(new { }));
        Assert.Equal(["/team/a/list", "/team/a/url"], await Describe(new { ParameterFilters = new[] { new { Key = "Path", Option = "OneLevel", Values = new[] { "/team/a" } } } }));
        Assert.Equal(["/team/a/list", "/team/a/url", "/team/b/key"], await Describe(new { ParameterFilters = new[] { new { Key = "Path", Option = "Recursive", Values = new[] { "/team" } } } }));
        Assert.Equal(["/team/b/key"], await Describe(new { ParameterFilters = new[] { new { Key = "Type", Option = "Equals", Values = new[] { "SecureString" } } } }));
        Assert.Equal(["/team/a/url"], await Describe(new { ParameterFilters = new[] { new { Key = "tag:env", Option = "Equals", Values = new[] { "prod" } } } }));
        Assert.Equal(["/team/a/list", "/team/a/url"], await Describe(new { ParameterFilters = new[] { new { Key = "Name", Option = "BeginsWith", Values = new[] { "/team/a" } } } }));
        Assert.Equal(["/team/a/list"], await Describe(new { Filters = new[] { new { Key = "Type", Values = new[] { "StringList" } } } }));
        var paged = await _ssm.OkAsync("DescribeParameters", new { MaxResults = 3 });
        Assert.Equal(3, paged["Parameters"]!.AsArray().Count);
        Assert.Equal(["plain"], Names(await _ssm.OkAsync("DescribeParameters", new { MaxResults = 3, NextToken = (string)paged["NextToken"]! })));

        Assert.Equal("InvalidFilterKey", (await _ssm.ErrorAsync("DescribeParameters", new { ParameterFilters = new[] { new { Key = "Color", Values = new[] { "x" } } } })).Type);
        Assert.Equal("InvalidFilterOption", (await _ssm.ErrorAsync("DescribeParameters", new { ParameterFilters = new[] { new { Key = "Path", Option = "Equals", Values = new[] { "/team" } } } })).Type);
        Assert.Equal("ValidationException", (await _ssm.ErrorAsync("DescribeParameters", new
        {
            Filters = new[] { new { Key = "Type", Values = new[] { "String" } } },
            ParameterFilters = new[] { new { Key = "Type", Values = new[] { "String" } } },
        })).Type);
    }

    [Fact]
    public async Task Labels_move_between_versions_and_history_shows_them()
    {
        foreach (var value in new[] { "v1", "v2", "v3" })
        {
            await _ssm.OkAsync("PutParameter", new { Name = "/lbl/p", Value = value, Type = "String", Overwrite = true });
        }
        JsonAssert.Equal("""{"InvalidLabels": ["1bad", "aws-reserved"], "ParameterVersion": 1}""",
            await _ssm.OkAsync("LabelParameterVersion", new { Name = "/lbl/p", ParameterVersion = 1, Labels = new[] { "prod", "1bad", "aws-reserved" } }));
        Assert.Equal("v1", (string)(await _ssm.OkAsync("GetParameter", new { Name = "/lbl/p:prod" }))["Parameter"]!["Value"]!);
        JsonAssert.Equal("""{"InvalidLabels": [], "ParameterVersion": 3}""", await _ssm.OkAsync("LabelParameterVersion", new { Name = "/lbl/p", Labels = new[] { "prod" } }));
        Assert.Equal("v3", (string)(await _ssm.OkAsync("GetParameter", new { Name = "/lbl/p:prod" }))["Parameter"]!["Value"]!);

        var history = await _ssm.OkAsync("GetParameterHistory", new { Name = "/lbl/p" });
        Assert.Equal(["v1", "v2", "v3"], history["Parameters"]!.AsArray().Select(h => (string)h!["Value"]!));
        Assert.Equal([0, 0, 1], history["Parameters"]!.AsArray().Select(h => h!["Labels"]!.AsArray().Count));
        var firstPage = await _ssm.OkAsync("GetParameterHistory", new { Name = "/lbl/p", MaxResults = 2 });
        Assert.Equal(["v3"], (await _ssm.OkAsync("GetParameterHistory", new { Name = "/lbl/p", MaxResults = 2, NextToken = (string)firstPage["NextToken"]! }))["Parameters"]!
            .AsArray().Select(h => (string)h!["Value"]!));

        var labelled = await _ssm.OkAsync("GetParametersByPath", new { Path = "/lbl", ParameterFilters = new[] { new { Key = "Label", Values = new[] { "prod" } } } });
        Assert.Equal(["v3"], labelled["Parameters"]!.AsArray().Select(p => (string)p!["Value"]!));
        await _ssm.OkAsync("LabelParameterVersion", new { Name = "/lbl/p", ParameterVersion = 1, Labels = new[] { "old" } });
        labelled = await _ssm.OkAsync("GetParametersByPath", new { Path = "/lbl", ParameterFilters = new[] { new { Key = "Label", Values = new[] { "old" } } } });
        Assert.Equal(["v1"], labelled["Parameters"]!.AsArray().Select(p => (string)p!["Value"]!));

        JsonAssert.Equal("""{"RemovedLabels": ["prod"], "InvalidLabels": ["never"]}""",
            await _ssm.OkAsync("UnlabelParameterVersion", new { Name = "/lbl/p", ParameterVersion = 3, Labels = new[] { "prod", "never" } }));
        Assert.Equal("ParameterNotFound", (await _ssm.ErrorAsync("GetParameter", new { Name = "/lbl/p:prod" })).Type);
        Assert.Equal("ParameterVersionNotFound", (await _ssm.ErrorAsync("LabelParameterVersion", new { Name = "/lbl/p", ParameterVersion = 8, Labels = new[] { "x" } })).Type);
        var eleven = Enumerable.Range(0, 10).Select(i => $"l{i}").ToArray();
        await _ssm.OkAsync("LabelParameterVersion", new { Name = "/lbl/p", ParameterVersion = 2, Labels = eleven });
        Assert.Equal("ParameterVersionLabelLimitExceeded", (await _ssm.ErrorAsync("LabelParameterVersion", new { Name = "/lbl/p", ParameterVersion = 2, Labels = new[] { "one-more" } })).Type);
    }

    [Fact]
    public async Task Tags_deletion_and_validation()
    {
        await _ssm.OkAsync("PutParameter", new { Name = "/t/p", Value = "v", Type = "String" });
        await _ssm.OkAsync("AddTagsToResource", new { ResourceType = "Parameter", ResourceId = "/t/p", Tags = new[] { new { Key = "b", Value = "2" }, new { Key = "a", Value = "1" } } });
        await _ssm.OkAsync("RemoveTagsFromResource", new { ResourceType = "Parameter", ResourceId = "/t/p", TagKeys = new[] { "b" } });
        JsonAssert.Equal("""{"TagList": [{"Key": "a", "Value": "1"}]}""", await _ssm.OkAsync("ListTagsForResource", new { ResourceType = "Parameter", ResourceId = "/t/p" }));
        Assert.Equal("InvalidResourceId", (await _ssm.ErrorAsync("ListTagsForResource", new { ResourceType = "Parameter", ResourceId = "/t/absent" })).Type);
        Assert.Equal("InvalidResourceType", (await _ssm.ErrorAsync("ListTagsForResource", new { ResourceType = "Document", ResourceId = "/t/p" })).Type);
        Assert.Equal("ValidationException", (await _ssm.ErrorAsync("PutParameter", new { Name = "/t/p", Value = "v", Overwrite = true, Tags = new[] { new { Key = "a", Value = "1" } } })).Type);

        Assert.Equal("ValidationException", (await _ssm.ErrorAsync("PutParameter", new { Name = "no/leading", Value = "v" })).Type);
        Assert.Equal("ValidationException", (await _ssm.ErrorAsync("PutParameter", new { Name = "/aws/reserved", Value = "v" })).Type);
        Assert.Equal("ValidationException", (await _ssm.ErrorAsync("PutParameter", new { Name = "/big", Value = new string('x', 4097) })).Type);
        Assert.Equal("Advanced", (string)(await _ssm.OkAsync("PutParameter", new { Name = "/big", Value = new string('x', 4097), Tier = "Intelligent-Tiering" }))["Tier"]!);
        Assert.Equal("ValidationException", (await _ssm.ErrorAsync("PutParameter", new { Name = "/big", Value = "small", Tier = "Standard", Overwrite = true })).Type);
        Assert.Equal("HierarchyLevelLimitExceededException", (await _ssm.ErrorAsync("PutParameter", new { Name = string.Concat(Enumerable.Repeat("/l", 16)), Value = "v" })).Type);
        Assert.Equal(("ParameterPatternMismatchException", "Parameter value, cannot be validated against allowedPattern: ^\\d+$"),
            await _ssm.ErrorAsync("PutParameter", new { Name = "/num", Value = "abc", AllowedPattern = "^\\d+$" }));
        Assert.Equal("InvalidPolicyTypeException", (await _ssm.ErrorAsync("PutParameter", new { Name = "/exp", Value = "v", Policies = "[{\"Type\":\"Expiration\"}]" })).Type);

        JsonAssert.Equal("{}", await _ssm.OkAsync("DeleteParameter", new { Name = "/t/p" }));
        Assert.Equal("ParameterNotFound", (await _ssm.ErrorAsync("DeleteParameter", new { Name = "/t/p" })).Type);
        JsonAssert.Equal("""{"DeletedParameters": ["/num2"], "InvalidParameters": ["/t/p"]}""",
            await PutThenDeleteAsync());
        Assert.Equal("UnsupportedFeatureException", (await _ssm.ErrorAsync("ListDocuments", new { })).Type);
    }

    private async Task<JsonNode> PutThenDeleteAsync()
    {
        await _ssm.OkAsync("PutParameter", new { Name = "/num2", Value = "1" });
        return await _ssm.OkAsync("DeleteParameters", new { Names = new[] { "/num2", "/t/p" } });
    }
}
