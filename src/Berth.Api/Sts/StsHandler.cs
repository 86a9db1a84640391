using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.Identity;
using Berth.Core.Errors;
using Berth.Core.Identity.Authorization;
using Berth.Core.Identity.Credentials;
using Berth.Core.Sts;
using static Berth.Api.Iam.IamMembers;
using RequestContext = Berth.Api.Protocol.RequestContext;

namespace Berth.Api.Sts;

/// <summary>
/// GetCallerIdentity, GetSessionToken and AssumeRole: who the caller is, temporary credentials acting as them, and
/// temporary credentials acting as a role whose trust policy admits them.
/// </summary>
internal sealed class StsHandler(AccessKeys keys, IamRoles roles, RoleSessions sessions, RequestAuthorization authorization)
{
    // GetSessionToken's limits: 15 minutes to 36 hours, 12 hours by default; the root user's sessions last at most an hour.
    private const int MinDurationSeconds = 900;
    private const int MaxDurationSeconds = 129600;
    private const int DefaultDurationSeconds = 43200;
    private const int MaxRootDurationSeconds = 3600;

    // AssumeRole's: 15 minutes to the role's MaxSessionDuration, an hour by default and at most an hour for a role's session assuming another.
    private const int DefaultRoleDurationSeconds = 3600;
    private const int MaxChainedDurationSeconds = 3600;

    public void Register(QueryService service) => service
        .Add<GetCallerIdentityRequest, GetCallerIdentityResponse>(GetCallerIdentityAsync)
        .Add<GetSessionTokenRequest, GetSessionTokenResponse>(GetSessionTokenAsync)
        .Add<AssumeRoleRequest, AssumeRoleResponse>(AssumeRoleAsync);

    /// <summary>UserId is AWS's: the account id for the root user, a user's AIDA id, a role session's AROA id and session name.</summary>
    private async Task<GetCallerIdentityResponse> GetCallerIdentityAsync(GetCallerIdentityRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        var principal = await authorization.PrincipalAsync(context.Scope.AccountId, context.PrincipalArn, cancellationToken).ConfigureAwait(false);
        return new GetCallerIdentityResponse { Account = context.Scope.AccountId, Arn = context.PrincipalArn, UserId = principal.UserId ?? context.PrincipalArn };
    }

    /// <summary>
    /// The request itself was authorized for sts:AssumeRole on the role by the caller's policies; here the role's
    /// trust policy must admit the caller too. An unknown role is refused like an untrusting one, as STS does.
    /// </summary>
    private async Task<AssumeRoleResponse> AssumeRoleAsync(AssumeRoleRequest request, RequestContext context, CancellationToken cancellationToken)
    {
        RefuseUnsupported(request);
        var roleArn = Required(request.RoleArn, "roleArn");
        var sessionName = SessionName(request.RoleSessionName);
        var caller = await authorization.PrincipalAsync(context.Scope.AccountId, context.PrincipalArn, cancellationToken).ConfigureAwait(false);
        var role = await roles.FindByArnAsync(context.Scope.AccountId, roleArn, cancellationToken).ConfigureAwait(false);
        var trustContext = Core.Identity.Authorization.RequestContext.ForRequest(caller, context.Now, null, false, context.Scope.Region)
            .With("sts:RoleSessionName", sessionName)
            .WithOptional("sts:ExternalId", request.ExternalId);
        if (role is null || !IamRoles.Trusts(role, caller, trustContext).IsAllowed)
        {
            throw new QueryAccessDeniedException($"User: {context.PrincipalArn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
        }
        var chained = caller.Kind == PrincipalKind.AssumedRole;
        var seconds = request.DurationSeconds ?? DefaultRoleDurationSeconds;
        if (seconds < MinDurationSeconds)
        {
            throw new QueryValidationException(
                $"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to {MinDurationSeconds}");
        }
        if (chained && seconds > MaxChainedDurationSeconds)
        {
            throw new QueryValidationException("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }
        if (seconds > role.MaxSessionDuration)
        {
            throw new QueryValidationException("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
        var session = await sessions.StartAsync(context.Scope.AccountId, role, sessionName, TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        return new AssumeRoleResponse
        {
            Credentials = Shape(session.Credentials),
            AssumedRoleUser = new AssumedRoleUser { AssumedRoleId = session.AssumedRoleId, Arn = session.Arn },
        };
    }

    /// <summary>
    /// What Berth cannot honour faithfully is refused rather than ignored: session policies and session tags would
    /// narrow or label the session, and Berth's sessions carry only their role's policies.
    /// </summary>
    private static void RefuseUnsupported(AssumeRoleRequest request)
    {
        if (request.Policy is not null || request.PolicyArns is { Count: > 0 })
        {
            throw new QueryUnsupportedException("Berth does not evaluate session policies: AssumeRole takes no Policy or PolicyArns.");
        }
        if (request.Tags is { Count: > 0 } || request.TransitiveTagKeys is { Count: > 0 })
        {
            throw new QueryUnsupportedException("Berth has no session tags: AssumeRole takes no Tags or TransitiveTagKeys.");
        }
        if (request.SerialNumber is not null || request.TokenCode is not null)
        {
            throw new QueryUnsupportedException("Berth has no MFA devices: AssumeRole takes no SerialNumber or TokenCode.");
        }
        if (request.SourceIdentity is not null || request.ProvidedContexts is { Count: > 0 })
        {
            throw new QueryUnsupportedException("Berth has no source identities or trusted identity propagation: AssumeRole takes no SourceIdentity or ProvidedContexts.");
        }
    }

    /// <summary>RoleSessionName: 2 to 64 of <c>[\w+=,.@-]</c>, as the model constrains it.</summary>
    private static string SessionName(string? value)
    {
        var name = Required(value, "roleSessionName");
        var constraint = name.Length switch
        {
            < 2 => "Member must have length greater than or equal to 2",
            > 64 => "Member must have length less than or equal to 64",
            _ => name.All(c => char.IsLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-') ? null : @"Member must satisfy regular expression pattern: [\w+=,.@-]*",
        };
        return constraint is null
            ? name
            : throw new QueryValidationException($"1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: {constraint}");
    }

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
        return new GetSessionTokenResponse { Credentials = Shape(issued) };
    }

    private static Credentials Shape(IssuedKey issued) => new()
    {
        AccessKeyId = issued.AccessKeyId,
        SecretAccessKey = issued.SecretAccessKey,
        SessionToken = issued.SessionToken,
        Expiration = issued.Expiration,
    };
}
