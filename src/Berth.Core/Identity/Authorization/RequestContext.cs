using System.Collections.Immutable;
using System.Globalization;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// The request context keys conditions test (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
/// Key names are not case-sensitive; a key has one value or, like aws:TagKeys, several. Immutable: each
/// <c>With</c> returns a new context, so one context per request can be extended per resource.
/// </summary>
public sealed class RequestContext
{
    public static readonly RequestContext Empty = new(ImmutableDictionary.Create<string, ImmutableArray<string>>(StringComparer.OrdinalIgnoreCase));

    private readonly ImmutableDictionary<string, ImmutableArray<string>> _keys;

    private RequestContext(ImmutableDictionary<string, ImmutableArray<string>> keys) => _keys = keys;

    /// <summary>
    /// The global keys of a request: the caller's (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
    /// aws:username, aws:userid, aws:PrincipalTag/*) and the request's (aws:CurrentTime, aws:EpochTime,
    /// aws:SecureTransport, aws:SourceIp, aws:RequestedRegion).
    /// </summary>
    public static RequestContext ForRequest(AuthorizationPrincipal principal, DateTimeOffset now, string? sourceIp, bool secureTransport,
        string? requestedRegion)
    {
        var context = Empty
            .With("aws:PrincipalArn", principal.PrincipalArn)
            .With("aws:PrincipalAccount", principal.AccountId)
            .With("aws:PrincipalType", principal.Kind switch
            {
                PrincipalKind.Root => "Account",
                PrincipalKind.User => "User",
                PrincipalKind.AssumedRole => "AssumedRole",
                _ => "Service",
            })
            .With("aws:CurrentTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .With("aws:EpochTime", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
            .With("aws:SecureTransport", secureTransport ? "true" : "false")
            .WithOptional("aws:username", principal.UserName)
            .WithOptional("aws:userid", principal.UserId)
            .WithOptional("aws:SourceIp", sourceIp)
            .WithOptional("aws:RequestedRegion", requestedRegion);
        return principal.Tags is null ? context : context.WithTags("aws:PrincipalTag/", principal.Tags);
    }

    /// <summary>Sets a key to these values (replacing any it had).</summary>
    public RequestContext With(string key, params IEnumerable<string> values) => new(_keys.SetItem(key, [.. values]));

    public RequestContext WithOptional(string key, string? value) => value is null ? this : With(key, value);

    /// <summary>Tags as <c>{prefix}{key}</c> keys, e.g. aws:ResourceTag/env.</summary>
    public RequestContext WithTags(string prefix, IReadOnlyDictionary<string, string> tags) =>
        new(_keys.SetItems(tags.Select(t => new KeyValuePair<string, ImmutableArray<string>>(prefix + t.Key, [t.Value]))));

    /// <summary>
    /// A resource's tags, as aws:ResourceTag/* and, for services that define it (ECS), also as
    /// <c>{service}:ResourceTag/*</c>.
    /// </summary>
    public RequestContext WithResourceTags(IReadOnlyDictionary<string, string> tags, string? servicePrefix = null)
    {
        var context = WithTags("aws:ResourceTag/", tags);
        return servicePrefix is null ? context : context.WithTags($"{servicePrefix}:ResourceTag/", tags);
    }

    /// <summary>Adds every key of <paramref name="other"/>, whose values win.</summary>
    public RequestContext Merge(RequestContext other) => new(_keys.SetItems(other._keys));

    /// <summary>The key's values, or null when the request has no such key.</summary>
    public IReadOnlyList<string>? Values(string key) => _keys.TryGetValue(key, out var values) ? values : null;
}
