using System.Globalization;
using Berth.Api.Protocol;
using Berth.Control.Secrets;
using Berth.Core.Errors;
using Berth.Core.Ssm;

namespace Berth.Api.Ssm;

/// <summary>Parameter Store's operations over <see cref="SsmParameters"/>; this class pages and shapes the answers.</summary>
internal sealed class ParameterHandler(SsmParameters parameters)
{
    private const int MaxByPath = 10;
    private const int MaxDescribe = 50;
    private const int MaxHistory = 50;

    public void Register(JsonService service) => service
        .Add<PutParameterRequest, PutParameterResult>((r, c, ct) => parameters.PutAsync(r, c.Scope, c.PrincipalArn, c.Now, ct))
        .Add<GetParameterRequest, GetParameterResult>(async (r, c, ct) =>
            new GetParameterResult { Parameter = await parameters.GetAsync(r.Name, r.WithDecryption == true, c.Scope, ct).ConfigureAwait(false) })
        .Add<GetParametersRequest, GetParametersResult>((r, c, ct) => parameters.GetManyAsync(r.Names, r.WithDecryption == true, c.Scope, ct))
        .Add<GetParametersByPathRequest, GetParametersByPathResult>(ByPathAsync)
        .Add<DescribeParametersRequest, DescribeParametersResult>(DescribeAsync)
        .AddWithoutOutput<DeleteParameterRequest, DeleteParameterResult>((r, c, ct) => parameters.DeleteAsync(r.Name, c.Scope, ct))
        .Add<DeleteParametersRequest, DeleteParametersResult>((r, c, ct) => parameters.DeleteManyAsync(r.Names, c.Scope, ct))
        .Add<GetParameterHistoryRequest, GetParameterHistoryResult>(HistoryAsync)
        .Add<LabelParameterVersionRequest, LabelParameterVersionResult>((r, c, ct) => parameters.LabelAsync(r, c.Scope, ct))
        .Add<UnlabelParameterVersionRequest, UnlabelParameterVersionResult>((r, c, ct) => parameters.UnlabelAsync(r, c.Scope, ct))
        .AddWithoutOutput<AddTagsToResourceRequest, AddTagsToResourceResult>((r, c, ct) => parameters.AddTagsAsync(r.ResourceType, r.ResourceId, r.Tags, c.Scope, ct))
        .AddWithoutOutput<RemoveTagsFromResourceRequest, RemoveTagsFromResourceResult>((r, c, ct) =>
            parameters.RemoveTagsAsync(r.ResourceType, r.ResourceId, r.TagKeys, c.Scope, ct))
        .Add<ListTagsForResourceRequest, ListTagsForResourceResult>(async (r, c, ct) =>
            new ListTagsForResourceResult { TagList = await parameters.ListTagsAsync(r.ResourceType, r.ResourceId, c.Scope, ct).ConfigureAwait(false) });

    private async Task<GetParametersByPathResult> ByPathAsync(GetParametersByPathRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var limit = Limit(request.MaxResults, MaxByPath);
        var found = await parameters.ByPathAsync(request.Path, request.Recursive == true, request.ParameterFilters, request.WithDecryption == true, context.Scope,
            cancellationToken).ConfigureAwait(false);
        var page = Paging.Slice(found, p => p.Name!, limit, request.NextToken, InvalidToken);
        return new GetParametersByPathResult { Parameters = page.Items, NextToken = page.NextToken };
    }

    private async Task<DescribeParametersResult> DescribeAsync(DescribeParametersRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var limit = Limit(request.MaxResults, MaxDescribe);
        if (request.Shared == true)
        {
            throw new ValidationException("Berth has no parameters shared from other accounts (AWS RAM); describe without Shared.");
        }
        var found = await parameters.DescribeAsync(ParameterFilters.ForDescribe(request.Filters, request.ParameterFilters), context.Scope, cancellationToken)
            .ConfigureAwait(false);
        var page = Paging.Slice(found, p => p.Name!, limit, request.NextToken, InvalidToken);
        return new DescribeParametersResult { Parameters = page.Items, NextToken = page.NextToken };
    }

    private async Task<GetParameterHistoryResult> HistoryAsync(GetParameterHistoryRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var limit = Limit(request.MaxResults, MaxHistory);
        var history = await parameters.HistoryAsync(request.Name, request.WithDecryption == true, context.Scope, cancellationToken).ConfigureAwait(false);
        // Versions as fixed-width keys, so their ordinal order is numeric order.
        var page = Paging.Slice(history, h => h.Version!.Value.ToString("D20", CultureInfo.InvariantCulture), limit, request.NextToken, InvalidToken);
        return new GetParameterHistoryResult { Parameters = page.Items, NextToken = page.NextToken };
    }

    private static int Limit(int? maxResults, int max) =>
        maxResults switch
        {
            null => max,
            >= 1 when maxResults <= max => maxResults.Value,
            _ => throw new ValidationException(
                $"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and {max}"),
        };

    private static Core.CloudWatch.InvalidNextToken InvalidToken() => new("The specified token is not valid.");
}
