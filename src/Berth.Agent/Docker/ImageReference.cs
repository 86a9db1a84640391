namespace Berth.Agent.Docker;

/// <summary>
/// An image reference split the way the Docker Engine reads it: <c>[registry/]repository[:tag][@digest]</c>,
/// with Docker Hub's defaults filled in for <see cref="Canonical"/> (<c>busybox</c> →
/// <c>docker.io/library/busybox:latest</c>), which is the form containerd names in pull errors.
/// </summary>
internal sealed record ImageReference(string Repository, string? Tag, string? Digest, string Canonical)
{
    public static ImageReference Parse(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        var rest = image.Trim();
        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
        }
        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? null : rest[..slash];
        var hasRegistry = first is not null && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        var canonicalName = hasRegistry ? rest : slash < 0 ? $"docker.io/library/{rest}" : $"docker.io/{rest}";
        var canonical = digest is not null ? $"{canonicalName}@{digest}" : $"{canonicalName}:{tag ?? "latest"}";
        return new ImageReference(rest, tag, digest, canonical);
    }

    /// <summary>The engine's <c>tag</c> pull parameter: the digest when pinned, else the tag (never empty: that pulls every tag).</summary>
    public string PullTag => Digest ?? Tag ?? "latest";
}
