namespace Berth.Core.Elb;

/// <summary>
/// ELB's path and host patterns: <c>*</c> matches any run of characters (none included), <c>?</c> exactly
/// one, everything else itself. Path patterns are case-sensitive and see only the path, not the query
/// string; host patterns are not case-sensitive
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html).
/// </summary>
internal static class PathPattern
{
    public static bool Matches(string pattern, string value, bool ignoreCase = false)
    {
        // Iterative glob matching with one backtrack point: linear for patterns with a single '*', and never exponential.
        int p = 0, v = 0, star = -1, starValue = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                starValue = v;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], value[v], ignoreCase)))
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++starValue;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
}
