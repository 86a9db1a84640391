using System.Text.RegularExpressions;

namespace Berth.Core.Identity.Authorization;

/// <summary>
/// Policy variables in Resource and condition values: <c>${aws:username}</c> becomes the request's value of
/// that key, <c>${aws:username, 'nobody'}</c> has a default, and <c>${$}</c> is a dollar sign
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html). <c>${*}</c> and
/// <c>${?}</c> stand for a literal star and question mark there; here they stay wildcards, slightly wider.
/// </summary>
internal static partial class PolicyVariables
{
    /// <summary>The text with its variables replaced, or null when a variable has neither a single value nor a default: then it matches nothing.</summary>
    public static string? Substitute(string text, RequestContext context)
    {
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }
        var unresolved = false;
        var result = Variable().Replace(text, match =>
        {
            var name = match.Groups["name"].Value.Trim();
            if (name is "*" or "?" or "$")
            {
                return name;
            }
            if (context.Values(name) is [var single])
            {
                return single;
            }
            if (match.Groups["default"].Success)
            {
                return match.Groups["default"].Value;
            }
            unresolved = true;
            return "";
        });
        return unresolved ? null : result;
    }

    [GeneratedRegex(@"\$\{(?<name>[^},']+?)\s*(,\s*'(?<default>[^']*)'\s*)?\}")]
    private static partial Regex Variable();
}
