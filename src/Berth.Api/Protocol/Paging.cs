using System.Text;
using Berth.Core.Errors;
using Berth.Store;

namespace Berth.Api.Protocol;

/// <summary>
/// nextToken/maxResults pagination over a store query. The token is the sort key of the last item
/// returned (opaque to clients), so pages stay correct while records are added or removed.
/// </summary>
internal static class Paging
{
    public const int DefaultMaxResults = 100;

    public sealed record Page<T>(IReadOnlyList<T> Items, string? NextToken);

    public static async Task<Page<Versioned<T>>> ReadAsync<T>(
        IStateStore store,
        RecordType<T> type,
        RecordQuery query,
        Func<T, bool> include,
        int? maxResults,
        string? nextToken,
        CancellationToken cancellationToken)
    {
        var limit = maxResults ?? DefaultMaxResults;
        if (limit is < 1 or > DefaultMaxResults)
        {
            throw new InvalidParameterException($"maxResults must be between 1 and {DefaultMaxResults}.");
        }
        var matches = new List<Versioned<T>>();
        var after = Decode(nextToken);
        // Read in batches until one more match than the page holds is found: that match proves there is a next page.
        while (matches.Count <= limit)
        {
            var batch = await store.QueryAsync(type, query with { After = after, Limit = limit + 1 }, cancellationToken).ConfigureAwait(false);
            matches.AddRange(batch.Where(r => include(r.Value)));
            if (batch.Count < limit + 1)
            {
                break;
            }
            after = batch[^1].SortKey;
        }
        return matches.Count > limit
            ? new Page<Versioned<T>>(matches.Take(limit).ToList(), Encode(matches[limit - 1].SortKey))
            : new Page<Versioned<T>>(matches, null);
    }

    /// <summary>
    /// The same pagination over items already read and ordered by <paramref name="key"/> (ordinal), for lists that are
    /// not one store query. <paramref name="invalidToken"/> is the service's refusal of a token it did not issue
    /// (ECS's InvalidParameterException by default).
    /// </summary>
    public static Page<T> Slice<T>(IReadOnlyList<T> ordered, Func<T, string> key, int limit, string? nextToken, Func<Exception>? invalidToken = null)
    {
        var after = Decode(nextToken, invalidToken);
        var rest = ordered.Where(item => after is null || string.CompareOrdinal(key(item), after) > 0).ToList();
        return rest.Count > limit
            ? new Page<T>(rest.Take(limit).ToList(), Encode(key(rest[limit - 1])))
            : new Page<T>(rest, null);
    }

    private static string Encode(string sortKey) => Convert.ToBase64String(Encoding.UTF8.GetBytes(sortKey));

    private static string? Decode(string? token, Func<Exception>? invalidToken = null)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw invalidToken?.Invoke() ?? new InvalidParameterException("Invalid nextToken.");
        }
    }
}
