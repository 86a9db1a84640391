using static Berth.Core.Identity.Authorization.OperationRule;

namespace Berth.Core.Identity.Authorization.Services;

/// <summary>
/// AWS Secrets Manager, from "Actions, resources, and condition keys for AWS Secrets Manager". A secret's ARN
/// ends in six random characters; a request naming the secret by name does not say them, so its ARN ends in
/// <c>-??????</c>, which matches the policies AWS recommends for a secret name (<c>secret:NAME-??????</c>).
/// </summary>
internal static class SecretsManagerAuthorization
{
    public static readonly ServiceAuthorization Rules = new(
        "secretsmanager",
        [
            new("Secret", new ArnTemplate("arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}"), ["SecretId", "Name"],
                (name, _) => (new Dictionary<string, string> { ["SecretId"] = name + "-??????" }, false)),
        ],
        new Dictionary<string, VariableSource>(),
        new Dictionary<string, OperationRule>
        {
            ["CancelRotateSecret"] = Types("Secret"),
            ["CreateSecret"] = Types("Secret"),
            ["DeleteResourcePolicy"] = Types("Secret"),
            ["DeleteSecret"] = Types("Secret"),
            ["DescribeSecret"] = Types("Secret"),
            ["GetResourcePolicy"] = Types("Secret"),
            ["GetSecretValue"] = Types("Secret"),
            ["ListSecretVersionIds"] = Types("Secret"),
            ["PutResourcePolicy"] = Types("Secret"),
            ["PutSecretValue"] = Types("Secret"),
            ["RemoveRegionsFromReplication"] = Types("Secret"),
            ["ReplicateSecretToRegions"] = Types("Secret"),
            ["RestoreSecret"] = Types("Secret"),
            ["RotateSecret"] = Types("Secret"),
            ["StopReplicationToReplica"] = Types("Secret"),
            ["TagResource"] = Types("Secret"),
            ["UntagResource"] = Types("Secret"),
            ["UpdateSecret"] = Types("Secret"),
            ["UpdateSecretVersionStage"] = Types("Secret"),
            ["ValidateResourcePolicy"] = Types("Secret"),
        });
}
