using System.Security.Cryptography;
using System.Text.Json;
using Berth.Core.Ecs;
using Berth.Core.Validation;

namespace Berth.Core.Tasks;

/// <summary>
/// A RunTask client token as stored: the request it was first used with (as a hash), what that request started,
/// and when the token may be used again for something else. Written in the commit that records the tasks, so a
/// token never names tasks that do not exist, nor do tasks exist that a retry with the token would not find.
/// </summary>
public sealed record RunTaskTokenRecord(
    string ClientToken, string RequestHash, IReadOnlyList<string> TaskArns, IReadOnlyList<Failure> Failures, DateTimeOffset ExpiresAt);

/// <summary>
/// RunTask's <c>clientToken</c> ("Ensuring idempotency", ECS API reference): a retry with the same token and the same
/// parameters returns the first call's tasks and starts none; the same token with other parameters is refused with
/// ConflictException. Tokens are per cluster: the same token in another cluster is another request.
/// </summary>
public static class RunTaskIdempotency
{
    /// <summary>ECS: "Up to 64 characters are allowed. The valid characters are characters in the range of 33-126, inclusive."</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// ECS gives RunTask client tokens a time to live of 24 hours: long enough for any SDK's retries, short enough
    /// that the records of a busy cluster do not pile up. Past it the token is free again.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public enum Verdict
    {
        /// <summary>The token is unused (or expired): run the request and record the token with its tasks.</summary>
        Run,

        /// <summary>The same request again: answer with the tasks of the first call.</summary>
        Replay,

        /// <summary>The token was used for a different request.</summary>
        Conflict,
    }

    public static void Validate(string? clientToken) => Require.ClientToken(clientToken, MaxLength);

    /// <summary>
    /// What makes two requests "the same parameters": every member but the token itself and the cluster, which the
    /// token is already scoped by (so "default" and the default cluster's ARN are one request).
    /// </summary>
    public static string RequestHash(RunTaskRequest request)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(request with { ClientToken = null, Cluster = null }, EcsJsonContext.Default.RunTaskRequest);
        return Convert.ToHexStringLower(SHA256.HashData(json));
    }

    public static Verdict Decide(RunTaskTokenRecord? existing, string requestHash, DateTimeOffset now) =>
        existing is null || IsExpired(existing, now) ? Verdict.Run
        : existing.RequestHash == requestHash ? Verdict.Replay
        : Verdict.Conflict;

    public static bool IsExpired(RunTaskTokenRecord record, DateTimeOffset now) => now >= record.ExpiresAt;

    /// <summary>The record after a commit that started <paramref name="tasks"/>: added to what earlier shares of the same request started.</summary>
    public static RunTaskTokenRecord Record(
        RunTaskTokenRecord? earlier, string clientToken, string requestHash, IReadOnlyList<string> tasks, IReadOnlyList<Failure> failures,
        DateTimeOffset now) =>
        earlier is null || IsExpired(earlier, now)
            ? new RunTaskTokenRecord(clientToken, requestHash, tasks, failures, now + Lifetime)
            : earlier with { TaskArns = [.. earlier.TaskArns, .. tasks], Failures = [.. earlier.Failures, .. failures] };
}
