namespace Berth.Control.Identity;

/// <summary>
/// Counts changes to who may do what (policies, attachments, roles, users) made by this process, so caches of
/// principals' policies drop what they hold at once; changes made by another server reach them when their
/// entries expire.
/// </summary>
public sealed class IdentityChanges
{
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    public void Changed() => Interlocked.Increment(ref _generation);
}
