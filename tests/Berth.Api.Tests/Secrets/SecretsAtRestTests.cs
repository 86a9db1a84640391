using System.Text;
using Berth.Control.Secrets;
using Berth.Core.Arns;
using Berth.Server;
using Berth.Store.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.Secrets;

/// <summary>
/// Parameters and secrets survive a restart, their values are never on disk in the clear, a server with another key
/// than its store's is refused (and a value sealed with another key is a client error), scheduled deletions happen, and <see cref="SecretValueResolver"/> resolves every
/// valueFrom form ECS knows (or fails as ECS does).
/// </summary>
public sealed class SecretsAtRestTests : IDisposable
{
    private const string Region = "eu-west-1";
    private const string Plain = "correct-horse-battery-staple";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-secrets-{Guid.NewGuid():N}");

    private static EcsClient Ssm(RunningServer server) => new(server.Http, Region, "AmazonSSM");

    private static EcsClient Sm(RunningServer server) => new(server.Http, Region, "secretsmanager");

    [Fact]
    public async Task Values_survive_a_restart_and_are_never_stored_in_the_clear()
    {
        string arn;
        await using (var first = await RunningServer.StartAsync(_dataDirectory))
        {
            await Ssm(first).OkAsync("PutParameter", new { Name = "/db/password", Value = Plain + "-ssm", Type = "SecureString" });
            arn = (string)(await Sm(first).OkAsync("CreateSecret", new { Name = "db", SecretString = Plain + "-sm" }))["ARN"]!;
            await Sm(first).OkAsync("PutSecretValue", new { SecretId = "db", SecretBinary = Convert.ToBase64String(Encoding.UTF8.GetBytes(Plain + "-bin")) });
        }

        foreach (var file in Directory.EnumerateFiles(_dataDirectory, "*", SearchOption.AllDirectories))
        {
            var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)) + Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain(Plain, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Plain + "-bin")), text, StringComparison.Ordinal);
        }

        await using var second = await RunningServer.StartAsync(_dataDirectory);
        Assert.Equal(Plain + "-ssm", (string)(await Ssm(second).OkAsync("GetParameter", new { Name = "/db/password", WithDecryption = true }))["Parameter"]!["Value"]!);
        Assert.Equal(Plain + "-sm", (string)(await Sm(second).OkAsync("GetSecretValue", new { SecretId = arn, VersionStage = "AWSPREVIOUS" }))["SecretString"]!);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(Plain + "-bin")), (string)(await Sm(second).OkAsync("GetSecretValue", new { SecretId = arn }))["SecretBinary"]!);
    }

    [Fact]
    public async Task A_key_file_the_user_gives_seals_the_values_and_a_bad_one_stops_the_start()
    {
        Directory.CreateDirectory(_dataDirectory);
        var keyFile = Path.Combine(_dataDirectory, "given.key");
        await File.WriteAllBytesAsync(keyFile, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var options = new ServerOptions { Port = 0, DataDirectory = Path.Combine(_dataDirectory, "data"), SecretKeyFile = keyFile };
        await using (var first = await RunningServer.StartAsync(options))
        {
            await Ssm(first).OkAsync("PutParameter", new { Name = "/given", Value = Plain, Type = "SecureString" });
        }
        Assert.False(File.Exists(Path.Combine(options.DataDirectory, "secret.key")));
        await using (var second = await RunningServer.StartAsync(options))
        {
            Assert.Equal(Plain, (string)(await Ssm(second).OkAsync("GetParameter", new { Name = "/given", WithDecryption = true }))["Parameter"]!["Value"]!);
        }

        var shortKey = Path.Combine(_dataDirectory, "short.key");
        await File.WriteAllBytesAsync(shortKey, new byte[16]);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => RunningServer.StartAsync(options with { SecretKeyFile = shortKey }));
        Assert.StartsWith($"--secret-key-file (BERTH_SECRET_KEY_FILE): {shortKey} is not a Berth secret key (32 bytes); it has 16.", refused.Message, StringComparison.Ordinal);
        var missing = Path.Combine(_dataDirectory, "missing.key");
        refused = await Assert.ThrowsAsync<ArgumentException>(() => RunningServer.StartAsync(options with { SecretKeyFile = missing }));
        Assert.StartsWith($"--secret-key-file (BERTH_SECRET_KEY_FILE): {missing} cannot be read: ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_with_another_key_than_its_store_was_sealed_with_is_refused_before_it_answers()
    {
        var options = new ServerOptions { Port = 0, DataDirectory = Path.Combine(_dataDirectory, "data") };
        await using (var first = await RunningServer.StartAsync(options))
        {
            await Ssm(first).OkAsync("PutParameter", new { Name = "/sealed", Value = Plain, Type = "SecureString" });
        }
        // As a second server of one PostgreSQL database started with a key of its own: each read of a value was a 500.
        var otherKey = Path.Combine(_dataDirectory, "other.key");
        await File.WriteAllBytesAsync(otherKey, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => RunningServer.StartAsync(options with { SecretKeyFile = otherKey }));
        Assert.StartsWith($"--secret-key-file (BERTH_SECRET_KEY_FILE): {otherKey} is not the key this store's secrets are sealed with.", refused.Message,
            StringComparison.Ordinal);

        // The refused start left the store as it was: the right key still opens it, and its values.
        await using var again = await RunningServer.StartAsync(options with { SecretKeyFile = options.SecretKeyPath });
        Assert.Equal(Plain, (string)(await Ssm(again).OkAsync("GetParameter", new { Name = "/sealed", WithDecryption = true }))["Parameter"]!["Value"]!);
    }

    [Fact]
    public async Task A_store_made_before_the_key_check_takes_it_only_from_a_key_that_opens_its_values()
    {
        var options = new ServerOptions { Port = 0, DataDirectory = Path.Combine(_dataDirectory, "data") };
        await using (var first = await RunningServer.StartAsync(options))
        {
            await Ssm(first).OkAsync("PutParameter", new { Name = "/sealed", Value = Plain, Type = "SecureString" });
        }
        Assert.Equal(1, await ChangeAsync(options, $"DELETE FROM records WHERE kind = '{SecretKeyCheck.Kind}';"));

        // Adopting another key made the next start with the right one fail as "not the key this store's secrets are sealed with".
        var otherKey = Path.Combine(_dataDirectory, "other.key");
        await File.WriteAllBytesAsync(otherKey, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => RunningServer.StartAsync(options with { SecretKeyFile = otherKey }));
        Assert.StartsWith($"--secret-key-file (BERTH_SECRET_KEY_FILE): {otherKey} is not the key this store's secrets are sealed with.", refused.Message,
            StringComparison.Ordinal);
        Assert.False(await HasKeyCheckAsync(options));

        await using (var again = await RunningServer.StartAsync(options))
        {
            Assert.Equal(Plain, (string)(await Ssm(again).OkAsync("GetParameter", new { Name = "/sealed", WithDecryption = true }))["Parameter"]!["Value"]!);
        }
        Assert.True(await HasKeyCheckAsync(options));
    }

    [Fact]
    public async Task A_stored_value_the_key_does_not_open_is_a_client_error_that_says_so()
    {
        var options = new ServerOptions { Port = 0, DataDirectory = Path.Combine(_dataDirectory, "data") };
        string arn;
        await using (var first = await RunningServer.StartAsync(options))
        {
            await Ssm(first).OkAsync("PutParameter", new { Name = "/sealed", Value = Plain, Type = "SecureString" });
            arn = (string)(await Sm(first).OkAsync("CreateSecret", new { Name = "sealed", SecretString = Plain }))["ARN"]!;
        }
        // Values altered in the database (their nonces), as values sealed under another key look to this one.
        Assert.Equal(1, await ChangeAsync(options, $"UPDATE records SET body = json_set(body, {Altered("$.Versions[0].Value")}, {Altered("$.Latest.Value")}) " +
            "WHERE kind = 'ssm-parameter';"));
        Assert.Equal(1, await ChangeAsync(options, $"UPDATE records SET body = json_set(body, {Altered("$.Versions[0].SealedString")}) WHERE kind = 'secret';"));
        await using var second = await RunningServer.StartAsync(options);

        // Each read of a value was a 500 (the cipher's CryptographicException); now each service's modeled error for its key.
        const string why = "Berth: this server's secret key (--secret-key-file) does not open the stored value; it was sealed with another key, or altered.";
        Assert.Equal(("InvalidKeyId", $"The SecureString value of /sealed cannot be decrypted. {why}"),
            await Ssm(second).ErrorAsync("GetParameter", new { Name = "/sealed", WithDecryption = true }));
        Assert.Equal("InvalidKeyId", (await Ssm(second).ErrorAsync("GetParameterHistory", new { Name = "/sealed", WithDecryption = true })).Type);
        Assert.Equal(("DecryptionFailure", $"Secrets Manager can't decrypt the protected secret text using the provided KMS key. {why}"),
            await Sm(second).ErrorAsync("GetSecretValue", new { SecretId = "sealed" }));
        // What needs no decryption answers as before.
        Assert.NotEqual(Plain, (string)(await Ssm(second).OkAsync("GetParameter", new { Name = "/sealed" }))["Parameter"]!["Value"]!);
        await Sm(second).OkAsync("DescribeSecret", new { SecretId = "sealed" });

        // A task's secrets fail its start with the reason ECS gives, as any secret it cannot read (the agent's poll was a 500).
        var resolver = second.Services.GetRequiredService<SecretValueResolver>();
        var scope = new ResourceScope(Region, "000000000000");
        var parameter = await Assert.ThrowsAsync<SecretResolutionException>(() => resolver.ResolveAsync("/sealed", scope, reader: null, CancellationToken.None));
        Assert.Equal("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: " +
            $"service call has been retried 1 time(s): InvalidKeyId: The SecureString value of /sealed cannot be decrypted. {why}", parameter.Message);
        var secret = await Assert.ThrowsAsync<SecretResolutionException>(() => resolver.ResolveAsync(arn, scope, reader: null, CancellationToken.None));
        Assert.EndsWith($"from secrets manager: DecryptionFailure: Secrets Manager can't decrypt the protected secret text using the provided KMS key. {why}",
            secret.Message, StringComparison.Ordinal);
    }

    /// <summary>A json_set path and value: the sealed value at <paramref name="path"/> with its first 6 bytes (of the nonce) changed.</summary>
    private static string Altered(string path) => $"'{path}', 'AAAAAAAA' || substr(json_extract(body, '{path}'), 9)";

    /// <summary>Runs a statement on a stopped server's state file; the rows it changed.</summary>
    private static async Task<int> ChangeAsync(ServerOptions options, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={options.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Whether a stopped server's state file holds the key check (an UPDATE that changes nothing, counting it).</summary>
    private static async Task<bool> HasKeyCheckAsync(ServerOptions options) =>
        await ChangeAsync(options, $"UPDATE records SET kind = kind WHERE kind = '{SecretKeyCheck.Kind}';") == 1;

    [Fact]
    public async Task A_scheduled_deletion_happens_once_the_recovery_window_has_passed()
    {
        await using var server = await RunningServer.StartAsync(_dataDirectory);
        await Sm(server).OkAsync("CreateSecret", new { Name = "later", SecretString = "x" });
        await Sm(server).OkAsync("DeleteSecret", new { SecretId = "later", RecoveryWindowInDays = 7 });
        var secrets = server.Services.GetRequiredService<ManagedSecrets>();

        Assert.Equal(0, await secrets.PurgeDueAsync(DateTimeOffset.UtcNow.AddDays(6), CancellationToken.None));
        Assert.NotNull((await Sm(server).OkAsync("DescribeSecret", new { SecretId = "later" }))["DeletedDate"]);
        Assert.Equal(1, await secrets.PurgeDueAsync(DateTimeOffset.UtcNow.AddDays(8), CancellationToken.None));
        Assert.Equal("ResourceNotFoundException", (await Sm(server).ErrorAsync("DescribeSecret", new { SecretId = "later" })).Type);
        await Sm(server).OkAsync("CreateSecret", new { Name = "later", SecretString = "new" });
    }

    [Fact]
    public async Task The_resolver_reads_every_valueFrom_form_and_fails_as_ECS_does()
    {
        await using var server = await RunningServer.StartAsync(_dataDirectory);
        await Ssm(server).OkAsync("PutParameter", new { Name = "/app/token", Value = "tok", Type = "SecureString" });
        await Ssm(server).OkAsync("PutParameter", new { Name = "plain", Value = "p1", Type = "String" });
        var arn = (string)(await Sm(server).OkAsync("CreateSecret", new
        {
            Name = "creds",
            SecretString = """{"username": "admin", "port": 5432}""",
            ClientRequestToken = new string('1', 32),
        }))["ARN"]!;
        await Sm(server).OkAsync("PutSecretValue", new { SecretId = arn, SecretString = """{"username": "root"}""", ClientRequestToken = new string('2', 32) });
        var resolver = server.Services.GetRequiredService<SecretValueResolver>();
        var scope = new ResourceScope(Region, "000000000000");
        Task<string> Resolve(string valueFrom) => resolver.ResolveAsync(valueFrom, scope, reader: null, CancellationToken.None);

        Assert.Equal("tok", await Resolve("/app/token"));
        Assert.Equal("tok", await Resolve($"arn:aws:ssm:{Region}:000000000000:parameter/app/token"));
        Assert.Equal("p1", await Resolve($"arn:aws:ssm:{Region}:000000000000:parameter/plain"));
        Assert.Equal("""{"username": "root"}""", await Resolve(arn));
        Assert.Equal("root", await Resolve($"{arn}:username::"));
        Assert.Equal("admin", await Resolve($"{arn}:username:AWSPREVIOUS:"));
        Assert.Equal("5432", await Resolve($"{arn}:port::{new string('1', 32)}"));
        Assert.Equal("root", await Resolve($"{arn[..^7]}:username::"));

        var resolved = await resolver.ResolveAllAsync([new("TOKEN", "/app/token"), new("USER", $"{arn}:username::")], scope, reader: null, CancellationToken.None);
        Assert.Equal(new Dictionary<string, string> { ["TOKEN"] = "tok", ["USER"] = "root" }, resolved);

        var missingParameter = await Assert.ThrowsAsync<SecretResolutionException>(() => Resolve("/app/absent"));
        Assert.Equal("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: " +
            "service call has been retried 1 time(s): invalid parameters: /app/absent", missingParameter.Message);
        var otherRegion = await Assert.ThrowsAsync<SecretResolutionException>(() => Resolve("arn:aws:ssm:us-west-2:000000000000:parameter/app/token"));
        Assert.EndsWith("invalid parameters: arn:aws:ssm:us-west-2:000000000000:parameter/app/token", otherRegion.Message, StringComparison.Ordinal);
        var missingSecret = await Assert.ThrowsAsync<SecretResolutionException>(() => Resolve($"arn:aws:secretsmanager:{Region}:000000000000:secret:nope-AbCdEf"));
        Assert.Equal("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: " +
            $"service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:{Region}:000000000000:secret:nope-AbCdEf from secrets manager: " +
            "ResourceNotFoundException: Secrets Manager can't find the specified secret.", missingSecret.Message);
        var missingKey = await Assert.ThrowsAsync<SecretResolutionException>(() => Resolve($"{arn}:password::"));
        Assert.EndsWith("retrieved secret from Secrets Manager did not contain json key password", missingKey.Message, StringComparison.Ordinal);
        var missingStage = await Assert.ThrowsAsync<SecretResolutionException>(() => Resolve($"{arn}::AWSPENDING:"));
        Assert.EndsWith("ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSPENDING", missingStage.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("root", missingKey.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
