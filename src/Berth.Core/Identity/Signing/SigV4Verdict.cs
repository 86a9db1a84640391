using System.Diagnostics.CodeAnalysis;

namespace Berth.Core.Identity.Signing;

/// <summary>The outcome of verifying a request: who signed it, or why it is refused.</summary>
public sealed record SigV4Verdict
{
    private SigV4Verdict(SigV4Identity? identity, SigV4Failure? failure)
    {
        Identity = identity;
        Failure = failure;
    }

    public SigV4Identity? Identity { get; }

    public SigV4Failure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Identity))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsAccepted => Identity is not null;

    public static SigV4Verdict Accepted(SigV4Identity identity) => new(identity, null);

    public static SigV4Verdict Refused(SigV4Failure failure) => new(null, failure);
}
