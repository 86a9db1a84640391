using Berth.Core.Identity.Credentials;

namespace Berth.Store;

/// <summary>
/// The kinds of identity records and how each is addressed. Identity is global to an account, as IAM is: scopes
/// are <see cref="AccountScope"/>, not a region.
/// </summary>
public static class IdentityRecords
{
    /// <summary>Id: the access key id; scope: <see cref="AccountScope"/>; sort key: principal ARN and key id, so a principal's keys are adjacent.</summary>
    public static readonly RecordType<AccessKeyRecord> AccessKeys = new("access-key", IdentityJsonContext.Default.AccessKeyRecord);

    public static string AccountScope(string accountId) => $"iam:{accountId}";

    /// <summary>The sort-key prefix of one principal's keys.</summary>
    public static string PrincipalKeys(string principalArn) => $"{principalArn} ";

    public static PutRecord PutAccessKey(string accountId, AccessKeyRecord key, long expectedVersion) =>
        AccessKeys.Put(key.AccessKeyId, AccountScope(accountId), PrincipalKeys(key.PrincipalArn) + key.AccessKeyId, key, expectedVersion);
}
