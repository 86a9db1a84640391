using Berth.Core.Errors;

namespace Berth.Core.Elb;

/// <summary>Names of load balancers and target groups, and the local network Berth pretends they live in.</summary>
public static class ElbNames
{
    /// <summary>The VPC every Berth load balancer and target group reports: there is only the local host.</summary>
    public const string LocalVpcId = "vpc-local";

    /// <summary>
    /// At most 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen; load balancer
    /// names also may not begin with "internal-".
    /// </summary>
    public static void Validate(string? name, string what)
    {
        if (name is not { Length: > 0 and <= 32 } || name[0] == '-' || name[^1] == '-' || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new QueryValidationException(
                $"The {what} name '{name}' must be 1 to 32 alphanumeric characters or hyphens, and must not begin or end with a hyphen.");
        }
    }
}
