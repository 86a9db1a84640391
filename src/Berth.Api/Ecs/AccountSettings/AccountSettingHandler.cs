using Berth.Api.Protocol;
using Berth.Control.Accounts;
using Berth.Core.AccountSettings;
using Berth.Core.Ecs;
using Berth.Core.Validation;
using Berth.Store;

namespace Berth.Api.Ecs.AccountSettings;

/// <summary>
/// PutAccountSetting, PutAccountSettingDefault, DeleteAccountSetting and ListAccountSettings; which setting
/// applies is <see cref="EffectiveAccountSettings"/>'s rule.
/// </summary>
internal sealed class AccountSettingHandler(IStateStore store)
{
    /// <summary>ListAccountSettings' page size: at most 10, and 10 when maxResults is not given.</summary>
    private const int MaxListResults = 10;

    private readonly EffectiveAccountSettings _effective = new(store);

    public void Register(JsonService service) => service
        .Add<PutAccountSettingRequest, PutAccountSettingResponse>(PutAsync)
        .Add<PutAccountSettingDefaultRequest, PutAccountSettingDefaultResponse>(PutDefaultAsync)
        .Add<DeleteAccountSettingRequest, DeleteAccountSettingResponse>(DeleteAsync)
        .Add<ListAccountSettingsRequest, ListAccountSettingsResponse>(ListAsync);

    private async Task<PutAccountSettingResponse> PutAsync(PutAccountSettingRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        AccountSettingRules.Validate(request.Name, request.Value);
        var principal = request.PrincipalArn ?? context.PrincipalArn;
        var setting = new Setting { Name = request.Name, Value = request.Value, PrincipalArn = principal, Type = "user" };
        await SaveAsync(context, principal, setting, cancellationToken).ConfigureAwait(false);
        return new PutAccountSettingResponse { Setting = setting };
    }

    private async Task<PutAccountSettingDefaultResponse> PutDefaultAsync(PutAccountSettingDefaultRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        AccountSettingRules.Validate(request.Name, request.Value);
        var setting = new Setting { Name = request.Name, Value = request.Value, PrincipalArn = context.Scope.RootPrincipalArn, Type = "user" };
        await SaveAsync(context, EffectiveAccountSettings.AccountDefault, setting, cancellationToken).ConfigureAwait(false);
        return new PutAccountSettingDefaultResponse { Setting = setting };
    }

    /// <summary>Deleting a setting nobody set is not an error in ECS; the answer is what now applies.</summary>
    private async Task<DeleteAccountSettingResponse> DeleteAsync(DeleteAccountSettingRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        AccountSettingRules.ValidateName(request.Name);
        var principal = request.PrincipalArn ?? context.PrincipalArn;
        var id = EcsRecords.AccountSettingId(context.Scope.EcsArnPrefix, principal, request.Name!);
        var removed = await store.RetryOnConflictAsync(async ct =>
        {
            var current = await store.GetAsync(EcsRecords.AccountSettings, id, ct).ConfigureAwait(false);
            if (current is not null)
            {
                await store.CommitAsync([EcsRecords.AccountSettings.Delete(current)], ct).ConfigureAwait(false);
            }
            return current?.Value;
        }, cancellationToken).ConfigureAwait(false);
        return new DeleteAccountSettingResponse
        {
            Setting = removed ?? await _effective.ReadAsync(context.Scope, principal, request.Name!, cancellationToken).ConfigureAwait(false),
        };
    }

    private async Task<ListAccountSettingsResponse> ListAsync(ListAccountSettingsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.Name is not null)
        {
            AccountSettingRules.ValidateName(request.Name);
        }
        Require.That(request.Value is null || request.Name is not null, "value can only be given together with name.");
        var principal = request.PrincipalArn ?? context.PrincipalArn;
        var names = request.Name is { } only ? [only] : AccountSettingRules.Names;
        var settings = new List<Setting>();
        foreach (var name in names)
        {
            var setting = request.EffectiveSettings == true
                ? await _effective.ReadAsync(context.Scope, principal, name, cancellationToken).ConfigureAwait(false)
                : (await store.GetAsync(EcsRecords.AccountSettings, EcsRecords.AccountSettingId(context.Scope.EcsArnPrefix, principal, name), cancellationToken).ConfigureAwait(false))?.Value;
            if (setting is not null && (request.Value is null || setting.Value == request.Value))
            {
                settings.Add(setting);
            }
        }
        // "This value can be between 1 and 10. If this parameter isn't used, then ListAccountSettings returns up to 10
        // results and a nextToken value if applicable": Berth knows more than ten settings, so the list pages by name.
        Require.InRange(request.MaxResults, 1, MaxListResults, "maxResults");
        var page = Paging.Slice(settings.OrderBy(s => s.Name, StringComparer.Ordinal).ToList(), s => s.Name!, request.MaxResults ?? MaxListResults, request.NextToken);
        return new ListAccountSettingsResponse { Settings = [.. page.Items], NextToken = page.NextToken };
    }

    private Task SaveAsync(RequestContext context, string principal, Setting setting, CancellationToken cancellationToken)
    {
        var scopePrefix = context.Scope.EcsArnPrefix;
        return store.RetryOnConflictAsync<bool>(async ct =>
        {
            var current = await store.GetAsync(EcsRecords.AccountSettings, EcsRecords.AccountSettingId(scopePrefix, principal, setting.Name!), ct).ConfigureAwait(false);
            await store.CommitAsync([EcsRecords.PutAccountSetting(scopePrefix, principal, setting, current?.Version ?? 0)], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }
}
