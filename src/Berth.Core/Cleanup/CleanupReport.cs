using System.Text.Json.Serialization;

namespace Berth.Core.Cleanup;

/// <summary>
/// The answer of <c>/_berth/cleanup</c>: the policy it used, the leftovers it found and, when applied
/// (<c>POST</c>), what became of each one that has an action.
/// </summary>
public sealed record CleanupReport(
    [property: JsonPropertyName("idleDays")] int IdleDays,
    [property: JsonPropertyName("retentionDays")] int RetentionDays,
    [property: JsonPropertyName("leftovers")] IReadOnlyList<Leftover> Leftovers,
    [property: JsonPropertyName("applied")] IReadOnlyList<CleanupOutcome>? Applied);

/// <summary>One applied action: <see cref="Error"/> is null when it was done, else the API's refusal.</summary>
public sealed record CleanupOutcome(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("resource")] string Resource,
    [property: JsonPropertyName("error")] string? Error);

/// <summary>The body of <c>POST /_berth/cleanup</c> (and <c>GET</c>'s query parameters of the same names).</summary>
public sealed record CleanupRequest(
    [property: JsonPropertyName("idleDays")] int? IdleDays,
    [property: JsonPropertyName("retentionDays")] int? RetentionDays);

/// <summary>JSON contracts of <c>/_berth/cleanup</c>.</summary>
[JsonSerializable(typeof(CleanupReport))]
[JsonSerializable(typeof(CleanupRequest))]
public sealed partial class CleanupJsonContext : JsonSerializerContext;
