namespace Berth.Core.Placement.Query;

/// <summary>
/// The comparison operators of the cluster query language. Each negative operator is "the subject is present
/// and the positive one does not hold": ECS documents <c>attribute:stack != prod</c> as listing "the
/// instances with the custom attribute stack unless the attribute value is prod", so an instance without the
/// attribute does not match; <c>not(...)</c> is the way to include it.
/// </summary>
internal enum QueryOperator
{
    Equals,
    NotEquals,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
    Exists,
    NotExists,
    In,
    NotIn,
    Matches,
    NotMatches,
}
