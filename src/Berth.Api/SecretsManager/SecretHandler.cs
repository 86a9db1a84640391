using Berth.Api.Protocol;
using Berth.Control.Secrets;
using Berth.Core.Errors;
using Berth.Core.SecretsManager;

namespace Berth.Api.SecretsManager;

/// <summary>
/// Secrets Manager's operations over <see cref="ManagedSecrets"/>; this class pages the lists. Rotation needs AWS
/// Lambda, which Berth has not: RotateSecret and CancelRotateSecret answer InvalidRequestException saying so.
/// </summary>
internal sealed class SecretHandler(ManagedSecrets secrets)
{
    private const int MaxResults = 100;

    public void Register(JsonService service) => service
        .Add<CreateSecretRequest, CreateSecretResponse>((r, c, ct) => secrets.CreateAsync(r, c.Scope, c.Now, ct))
        .Add<GetSecretValueRequest, GetSecretValueResponse>((r, c, ct) => secrets.GetValueAsync(r, c.Scope, c.Now, ct))
        .Add<PutSecretValueRequest, PutSecretValueResponse>((r, c, ct) => secrets.PutValueAsync(r, c.Scope, c.Now, ct))
        .Add<UpdateSecretRequest, UpdateSecretResponse>((r, c, ct) => secrets.UpdateAsync(r, c.Scope, c.Now, ct))
        .Add<DescribeSecretRequest, DescribeSecretResponse>((r, c, ct) => secrets.DescribeAsync(r.SecretId, c.Scope, c.Now, ct))
        .Add<ListSecretsRequest, ListSecretsResponse>(ListAsync)
        .Add<ListSecretVersionIdsRequest, ListSecretVersionIdsResponse>(VersionsAsync)
        .Add<DeleteSecretRequest, DeleteSecretResponse>((r, c, ct) => secrets.DeleteAsync(r, c.Scope, c.Now, ct))
        .Add<RestoreSecretRequest, RestoreSecretResponse>((r, c, ct) => secrets.RestoreAsync(r.SecretId, c.Scope, c.Now, ct))
        .Add<UpdateSecretVersionStageRequest, UpdateSecretVersionStageResponse>((r, c, ct) => secrets.MoveStageAsync(r, c.Scope, c.Now, ct))
        .Add<TagResourceRequest, TagResourceResponse>((r, c, ct) => secrets.TagAsync(r.SecretId, r.Tags, c.Scope, c.Now, ct))
        .Add<UntagResourceRequest, UntagResourceResponse>((r, c, ct) => secrets.UntagAsync(r.SecretId, r.TagKeys, c.Scope, c.Now, ct))
        .Add<RotateSecretRequest, RotateSecretResponse>((_, _, _) => throw ManagedSecrets.RotationUnsupported())
        .Add<CancelRotateSecretRequest, CancelRotateSecretResponse>((_, _, _) => throw ManagedSecrets.RotationUnsupported());

    private async Task<ListSecretsResponse> ListAsync(ListSecretsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var limit = Limit(request.MaxResults);
        if (request.SortBy is not (null or "name") || request.SortOrder is not (null or "asc"))
        {
            throw new InvalidParameterException("Berth lists secrets by name in ascending order only (SortBy name, SortOrder asc).");
        }
        var listed = await secrets.ListAsync(request.Filters, request.IncludePlannedDeletion == true, context.Scope, context.Now, cancellationToken).ConfigureAwait(false);
        var page = Paging.Slice(listed, s => s.Name!, limit, request.NextToken, () => new InvalidNextTokenException());
        return new ListSecretsResponse { SecretList = page.Items, NextToken = page.NextToken };
    }

    private async Task<ListSecretVersionIdsResponse> VersionsAsync(ListSecretVersionIdsRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var limit = Limit(request.MaxResults);
        var (secret, versions) = await secrets.VersionsAsync(request.SecretId, request.IncludeDeprecated == true, context.Scope, context.Now, cancellationToken)
            .ConfigureAwait(false);
        // Newest first, as listed; the page key is the position, fixed-width so ordinal order keeps it.
        var keyed = versions.Select((v, i) => (Key: i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), Version: v)).ToList();
        var page = Paging.Slice(keyed, v => v.Key, limit, request.NextToken, () => new InvalidNextTokenException());
        return new ListSecretVersionIdsResponse { Versions = [.. page.Items.Select(v => v.Version)], NextToken = page.NextToken, ARN = secret.Arn, Name = secret.Name };
    }

    private static int Limit(int? maxResults) =>
        maxResults switch
        {
            null => MaxResults,
            >= 1 and <= MaxResults => maxResults.Value,
            _ => throw new InvalidParameterException($"MaxResults must be between 1 and {MaxResults}."),
        };
}
