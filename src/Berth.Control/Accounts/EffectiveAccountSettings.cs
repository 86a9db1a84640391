using Berth.Core.AccountSettings;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Store;

namespace Berth.Control.Accounts;

/// <summary>
/// Where account settings are stored and which one applies: a principal's own setting wins over the account
/// default, which wins over AWS's default. ListAccountSettings --effective-settings shows it, and CreateCluster
/// takes containerInsights from it.
/// </summary>
public sealed class EffectiveAccountSettings(IStateStore store)
{
    /// <summary>The principal key under which account defaults are stored.</summary>
    public const string AccountDefault = "*";

    public async Task<Setting> ReadAsync(ResourceScope scope, string principal, string name, CancellationToken cancellationToken)
    {
        foreach (var key in new[] { principal, AccountDefault })
        {
            if (await store.GetAsync(EcsRecords.AccountSettings, EcsRecords.AccountSettingId(scope.EcsArnPrefix, key, name), cancellationToken).ConfigureAwait(false) is { } found)
            {
                return found.Value with { PrincipalArn = principal };
            }
        }
        return AccountSettingRules.AwsDefault(name, principal);
    }
}
