using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.Identity;
using Berth.Core.Errors;
using Berth.Core.Identity.Credentials;
using Berth.Core.Sts;

namespace Berth.Api.Sts;

/// <summary>GetCallerIdentity and GetSessionToken: who the caller is, and temporary credentials acting as them.</summary>
internal sealed class StsHandler(AccessKeys keys)
{
    // GetSessionToken's limits: 15 minutes to 36 hours, 12 hours by default; the root user's sessions last at most an hour.
    private const int MinDurationSeconds = 900;
    private const int MaxDurationSeconds = 129600;
    private const int DefaultDurationSeconds = 43200;
    private const int MaxRootDurationSeconds = 3600;

    public void Register(QueryService service) => service
        .Add<GetCallerIdentityRequest, GetCallerIdentityResponse>(GetCallerIdentityAsync)
        .Add<GetSessionTokenRequest, GetSessionTokenResponse>(GetSessionTokenAsync);

    private static Task<GetCallerIdentityResponse> GetCallerIdentityAsync(GetCallerIdentityRequest request, RequestContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new GetCallerIdentityResponse
        {
            Account = context.Scope.AccountId,
            Arn = context.PrincipalArn,
            // AWS's user id of the root user is the account id.
            UserId = context.PrincipalArn == context.Scope.RootPrincipalArn ? context.Scope.AccountId : context.PrincipalArn,
        });

    private async Task<GetSessionTokenResponse> GetSessionTokenAsync(GetSessionTokenRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.SerialNumber is not null || request.TokenCode is not null)
        {
            throw new QueryUnsupportedException("Berth has no MFA devices: GetSessionToken takes no SerialNumber or TokenCode.");
        }
        if (context.AccessKeyId?.StartsWith(AccessKeyRecord.TemporaryPrefix, StringComparison.Ordinal) == true)
        {
            throw new QueryAccessDeniedException("Cannot call GetSessionToken with session credentials");
        }
        var seconds = request.DurationSeconds ?? DefaultDurationSeconds;
        if (seconds is < MinDurationSeconds or > MaxDurationSeconds)
        {
            throw new QueryValidationException(
                $"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value {(seconds < MinDurationSeconds ? $"greater than or equal to {MinDurationSeconds}" : $"less than or equal to {MaxDurationSeconds}")}");
        }
        if (context.PrincipalArn == context.Scope.RootPrincipalArn)
        {
            seconds = Math.Min(seconds, MaxRootDurationSeconds);
        }
        var issued = await keys.CreateAsync(context.Scope.AccountId, context.PrincipalArn, AccessKeyRecord.TemporaryPrefix,
            DateTimeOffset.FromUnixTimeSeconds(context.Now.ToUnixTimeSeconds() + seconds), cancellationToken).ConfigureAwait(false);
        return new GetSessionTokenResponse
        {
            Credentials = new Credentials
            {
                AccessKeyId = issued.AccessKeyId,
                SecretAccessKey = issued.SecretAccessKey,
                SessionToken = issued.SessionToken,
                Expiration = issued.Expiration,
            },
        };
    }
}
