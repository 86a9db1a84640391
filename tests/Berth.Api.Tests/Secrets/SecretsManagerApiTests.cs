using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Berth.Api.Tests.Secrets;

public class SecretsManagerApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _sm = server.NewJsonClient("secretsmanager");

    private static Dictionary<string, List<string>> Stages(JsonNode describe) =>
        describe["VersionIdsToStages"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.AsArray().Select(s => (string)s!).Order(StringComparer.Ordinal).ToList());

    [Fact]
    public async Task A_secret_is_created_read_and_versioned_with_staging_labels()
    {
        var created = await _sm.OkAsync("CreateSecret", new { Name = "db/password", SecretString = "one", ClientRequestToken = new string('a', 32) });
        var arn = (string)created["ARN"]!;
        Assert.Matches(new Regex($"^arn:aws:secretsmanager:{Regex.Escape(_sm.Region)}:000000000000:secret:db/password-[A-Za-z0-9]{{6}}$"), arn);
        Assert.Equal(new string('a', 32), (string)created["VersionId"]!);
        // A retry with the same token and value is the same call; another value under an existing name is refused.
        Assert.Equal(arn, (string)(await _sm.OkAsync("CreateSecret", new { Name = "db/password", SecretString = "one", ClientRequestToken = new string('a', 32) }))["ARN"]!);
        Assert.Equal(("ResourceExistsException", "The operation failed because the secret db/password already exists."),
            await _sm.ErrorAsync("CreateSecret", new { Name = "db/password", SecretString = "two" }));

        var put = await _sm.OkAsync("PutSecretValue", new { SecretId = "db/password", SecretString = "two", ClientRequestToken = new string('b', 32) });
        Assert.Equal(["AWSCURRENT"], put["VersionStages"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(("ResourceExistsException", "You can't modify an existing version, you can only create a new version."),
            await _sm.ErrorAsync("PutSecretValue", new { SecretId = "db/password", SecretString = "other", ClientRequestToken = new string('b', 32) }));

        foreach (var id in new[] { "db/password", arn, arn[..^7] })
        {
            Assert.Equal("two", (string)(await _sm.OkAsync("GetSecretValue", new { SecretId = id }))["SecretString"]!);
        }
        Assert.Equal("one", (string)(await _sm.OkAsync("GetSecretValue", new { SecretId = arn, VersionStage = "AWSPREVIOUS" }))["SecretString"]!);
        Assert.Equal("one", (string)(await _sm.OkAsync("GetSecretValue", new { SecretId = arn, VersionId = new string('a', 32) }))["SecretString"]!);
        Assert.Equal(("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: AWSPENDING"),
            await _sm.ErrorAsync("GetSecretValue", new { SecretId = arn, VersionStage = "AWSPENDING" }));
        Assert.Equal(("ResourceNotFoundException", "Secrets Manager can't find the specified secret."), await _sm.ErrorAsync("GetSecretValue", new { SecretId = "absent" }));

        // A pending version is staged, then promoted: AWSCURRENT moves and leaves AWSPREVIOUS behind; the oldest loses its label.
        await _sm.OkAsync("PutSecretValue", new { SecretId = "db/password", SecretString = "three", ClientRequestToken = new string('c', 32), VersionStages = new[] { "AWSPENDING" } });
        Assert.Equal("two", (string)(await _sm.OkAsync("GetSecretValue", new { SecretId = "db/password" }))["SecretString"]!);
        Assert.Equal("InvalidParameterException",
            (await _sm.ErrorAsync("UpdateSecretVersionStage", new { SecretId = "db/password", VersionStage = "AWSCURRENT", MoveToVersionId = new string('c', 32) })).Type);
        await _sm.OkAsync("UpdateSecretVersionStage", new
        {
            SecretId = "db/password",
            VersionStage = "AWSCURRENT",
            MoveToVersionId = new string('c', 32),
            RemoveFromVersionId = new string('b', 32),
        });
        var described = await _sm.OkAsync("DescribeSecret", new { SecretId = "db/password" });
        Assert.Equal(new Dictionary<string, List<string>>
        {
            [new string('b', 32)] = ["AWSPREVIOUS"],
            [new string('c', 32)] = ["AWSCURRENT", "AWSPENDING"],
        }, Stages(described));
        Assert.Equal("three", (string)(await _sm.OkAsync("GetSecretValue", new { SecretId = "db/password" }))["SecretString"]!);

        var listed = await _sm.OkAsync("ListSecretVersionIds", new { SecretId = "db/password" });
        Assert.Equal([new string('c', 32), new string('b', 32)], listed["Versions"]!.AsArray().Select(v => (string)v!["VersionId"]!));
        var all = await _sm.OkAsync("ListSecretVersionIds", new { SecretId = "db/password", IncludeDeprecated = true, MaxResults = 2 });
        Assert.Equal([new string('a', 32)], (await _sm.OkAsync("ListSecretVersionIds", new { SecretId = "db/password", IncludeDeprecated = true, NextToken = (string)all["NextToken"]! }))
            ["Versions"]!.AsArray().Select(v => (string)v!["VersionId"]!));
    }

    [Fact]
    public async Task Binary_secrets_update_and_tags()
    {
        var bytes = new byte[] { 0, 1, 2, 250 };
        await _sm.OkAsync("CreateSecret", new { Name = "bin", SecretBinary = Convert.ToBase64String(bytes), Tags = new[] { new { Key = "team", Value = "a" } } });
        Assert.Equal(Convert.ToBase64String(bytes), (string)(await _sm.OkAsync("GetSecretValue", new { SecretId = "bin" }))["SecretBinary"]!);
        Assert.Equal("InvalidParameterException", (await _sm.ErrorAsync("CreateSecret", new { Name = "both", SecretString = "s", SecretBinary = "AA==" })).Type);

        var updated = await _sm.OkAsync("UpdateSecret", new { SecretId = "bin", Description = "now text", SecretString = "text" });
        Assert.NotNull(updated["VersionId"]);
        Assert.Equal("text", (string)(await _sm.OkAsync("GetSecretValue", new { SecretId = "bin" }))["SecretString"]!);
        await _sm.OkAsync("TagResource", new { SecretId = "bin", Tags = new[] { new { Key = "env", Value = "prod" } } });
        await _sm.OkAsync("UntagResource", new { SecretId = "bin", TagKeys = new[] { "team" } });
        var described = await _sm.OkAsync("DescribeSecret", new { SecretId = "bin" });
        Assert.Equal("now text", (string)described["Description"]!);
        JsonAssert.Equal("""[{"Key": "env", "Value": "prod"}]""", described["Tags"]);
        Assert.Equal(("InvalidParameterException", "You must specify TagKeys."), await _sm.ErrorAsync("UntagResource", new { SecretId = "bin" }));
        Assert.Equal(("InvalidParameterException", "You must specify Tags."), await _sm.ErrorAsync("TagResource", new { SecretId = "bin" }));
        Assert.NotNull(described["LastAccessedDate"]);
        Assert.False((bool)described["RotationEnabled"]!);

        Assert.Equal("InvalidRequestException", (await _sm.ErrorAsync("RotateSecret", new { SecretId = "bin" })).Type);
        Assert.Equal("InvalidParameterException", (await _sm.ErrorAsync("CreateSecret", new { Name = "bad name!?" })).Type);
    }

    [Fact]
    public async Task ListSecrets_filters_and_pages()
    {
        foreach (var (name, description, team) in new[] { ("app/one", "First DB", "red"), ("app/two", "second", "blue"), ("other", "Database", "red") })
        {
            await _sm.OkAsync("CreateSecret", new { Name = name, Description = description, SecretString = "x", Tags = new[] { new { Key = "team", Value = team } } });
        }
        async Task<List<string>> List(object request) =>
            [.. (await _sm.OkAsync("ListSecrets", request))["SecretList"]!.AsArray().Select(s => (string)s!["Name"]!)];

        Assert.Equal(["app/one", "app/two", "other"], await List(new { }));
        Assert.Equal(["app/one", "app/two"], await List(new { Filters = new[] { new { Key = "name", Values = new[] { "app/" } } } }));
        Assert.Equal(["app/one", "other"], await List(new { Filters = new[] { new { Key = "tag-value", Values = new[] { "red" } } } }));
        Assert.Equal(["app/two"], await List(new { Filters = new[] { new { Key = "tag-value", Values = new[] { "!red" } } } }));
        Assert.Equal(["other"], await List(new { Filters = new[] { new { Key = "description", Values = new[] { "data" } } } }));
        Assert.Empty(await List(new { Filters = new[] { new { Key = "name", Values = new[] { "APP" } } } }));

        var first = await _sm.OkAsync("ListSecrets", new { MaxResults = 2 });
        Assert.Equal(2, first["SecretList"]!.AsArray().Count);
        Assert.Equal(["other"], await List(new { MaxResults = 2, NextToken = (string)first["NextToken"]! }));
        Assert.Equal("InvalidNextTokenException", (await _sm.ErrorAsync("ListSecrets", new { NextToken = "%%" })).Type);
        Assert.Equal("InvalidParameterException", (await _sm.ErrorAsync("ListSecrets", new { Filters = new[] { new { Key = "colour", Values = new[] { "x" } } } })).Type);
    }

    [Fact]
    public async Task Deletion_is_scheduled_refused_meanwhile_restored_or_forced()
    {
        await _sm.OkAsync("CreateSecret", new { Name = "doomed", SecretString = "x" });
        Assert.Equal(("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."),
            await _sm.ErrorAsync("DeleteSecret", new { SecretId = "doomed", RecoveryWindowInDays = 3 }));
        Assert.Equal("InvalidParameterException", (await _sm.ErrorAsync("DeleteSecret", new { SecretId = "doomed", RecoveryWindowInDays = 7, ForceDeleteWithoutRecovery = true })).Type);

        var deleted = await _sm.OkAsync("DeleteSecret", new { SecretId = "doomed", RecoveryWindowInDays = 7 });
        var due = DateTimeOffset.FromUnixTimeMilliseconds((long)((double)deleted["DeletionDate"]! * 1000));
        Assert.InRange(due, DateTimeOffset.UtcNow.AddDays(7).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7).AddMinutes(5));
        Assert.Equal(("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion."),
            await _sm.ErrorAsync("GetSecretValue", new { SecretId = "doomed" }));
        Assert.NotNull((await _sm.OkAsync("DescribeSecret", new { SecretId = "doomed" }))["DeletedDate"]);
        Assert.Empty((await _sm.OkAsync("ListSecrets", new { }))["SecretList"]!.AsArray());
        Assert.Single((await _sm.OkAsync("ListSecrets", new { IncludePlannedDeletion = true }))["SecretList"]!.AsArray());

        await _sm.OkAsync("RestoreSecret", new { SecretId = "doomed" });
        Assert.Equal("x", (string)(await _sm.OkAsync("GetSecretValue", new { SecretId = "doomed" }))["SecretString"]!);

        await _sm.OkAsync("DeleteSecret", new { SecretId = "doomed", ForceDeleteWithoutRecovery = true });
        Assert.Equal("ResourceNotFoundException", (await _sm.ErrorAsync("DescribeSecret", new { SecretId = "doomed" })).Type);
        await _sm.OkAsync("CreateSecret", new { Name = "doomed", SecretString = "again" });
    }
}
