using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Berth.Core.Iam;
using Berth.Core.Identity.Policies;

namespace Berth.Control.Identity;

/// <summary>
/// Policy documents parsed once per text: a text always parses to the same document, so a request's
/// authorization looks its policies up instead of parsing their JSON again. Stored documents were validated
/// when they were put.
/// </summary>
internal static class ParsedPolicies
{
    // A bound on what many distinct documents can hold; past it the cache starts over (parsing is only slower, never wrong).
    private const int Capacity = 4096;

    private static readonly ConcurrentDictionary<(string Text, PolicyKind Kind), PolicyDocument> Cache = new();

    /// <summary>The parsed document; a stored one that no longer parses is a defect, not a caller's error.</summary>
    public static PolicyDocument Stored(string text, PolicyKind kind) =>
        TryGet(text, kind, out var document, out var error) ? document : throw new InvalidOperationException($"A stored policy no longer parses: {error}");

    /// <summary>Validates a document a caller puts, with IAM's MalformedPolicyDocument message when it is refused.</summary>
    public static PolicyDocument Validate(string text, PolicyKind kind) =>
        TryGet(text, kind, out var document, out var error) ? document : throw new MalformedPolicyDocumentException(error);

    private static bool TryGet(string text, PolicyKind kind, [NotNullWhen(true)] out PolicyDocument? document, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (Cache.TryGetValue((text, kind), out document))
        {
            return true;
        }
        if (!PolicyDocument.TryParse(text, kind, out var parsed, out error))
        {
            document = null;
            return false;
        }
        if (Cache.Count >= Capacity)
        {
            Cache.Clear();
        }
        document = Cache.GetOrAdd((text, kind), parsed);
        return true;
    }
}
