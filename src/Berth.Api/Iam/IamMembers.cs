using Berth.Core.Errors;

namespace Berth.Api.Iam;

/// <summary>IAM's checks of required members, with its ValidationError wording.</summary>
internal static class IamMembers
{
    public static string Required(string? value, string member) => value ?? throw new QueryValidationException(
        $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");
}
