using Berth.Core.Arns;
using Berth.Core.SecretsManager;
using Berth.Core.Ssm;

namespace Berth.Store;

/// <summary>
/// SSM parameters and Secrets Manager secrets and how each is addressed: per account and region, one record per
/// parameter or secret, its id made of the scope and the name (so a name is unique, and a create is a guarded write
/// of a record that must not exist), listed by name.
/// </summary>
public static class SecretRecords
{
    public static readonly RecordType<ParameterRecord> Parameters = new("ssm-parameter", SecretsJsonContext.Default);

    public static readonly RecordType<SecretRecord> Secrets = new("secret", SecretsJsonContext.Default);

    public static string ParameterScope(ResourceScope scope) => $"ssm:{scope.AccountId}:{scope.Region}";

    public static string SecretScope(ResourceScope scope) => $"secretsmanager:{scope.AccountId}:{scope.Region}";

    public static string ParameterId(ResourceScope scope, string name) => $"{ParameterScope(scope)}:{name}";

    public static string SecretId(ResourceScope scope, string name) => $"{SecretScope(scope)}:{name}";

    /// <summary>
    /// What a SecureString version's ciphertext is bound to (the cipher's associated data): moved to another parameter or
    /// version, it does not open.
    /// </summary>
    public static string ParameterValueBinding(string parameterId, long version) => $"{parameterId}#{version}";

    /// <summary>What a secret version's sealed value is bound to: moved to another secret or version, it does not open.</summary>
    public static string SecretValueBinding(string secretArn, string versionId) => $"{secretArn}#{versionId}";

    public static PutRecord PutParameter(ResourceScope scope, ParameterRecord parameter, long expectedVersion) =>
        Parameters.Put(ParameterId(scope, parameter.Name), ParameterScope(scope), parameter.Name, parameter, expectedVersion);

    public static PutRecord PutSecret(ResourceScope scope, SecretRecord secret, long expectedVersion) =>
        Secrets.Put(SecretId(scope, secret.Name), SecretScope(scope), secret.Name, secret, expectedVersion);
}
