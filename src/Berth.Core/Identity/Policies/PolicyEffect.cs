namespace Berth.Core.Identity.Policies;

public enum PolicyEffect
{
    Allow,
    Deny,
}
