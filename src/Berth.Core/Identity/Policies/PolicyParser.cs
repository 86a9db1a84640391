using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Berth.Core.Identity.Policies;

/// <summary>
/// Reads a policy document and refuses what IAM refuses, with IAM's MalformedPolicyDocument messages.
/// </summary>
internal static partial class PolicyParser
{
    private const string SyntaxErrors = "Syntax errors in policy.";

    // IAM parses a document without a Version with its legacy grammar, and says so when that fails.
    private const string LegacyParsingFailed = "The policy failed legacy parsing";

    private static readonly string[] Versions = ["2012-10-17", "2008-10-17"];
    private static readonly string[] DocumentFields = ["Version", "Id", "Statement"];
    private static readonly string[] StatementFields =
        ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"];
    private static readonly string[] PrincipalTypes = ["AWS", "Service", "Federated", "CanonicalUser"];

    /// <summary>Thrown inside the parser only: the document is refused with this message.</summary>
    private sealed class MalformedException(string message) : Exception(message);

    public static bool TryParse(string json, PolicyKind kind, [NotNullWhen(true)] out PolicyDocument? document, [NotNullWhen(false)] out string? error)
    {
        document = null;
        error = null;
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            error = SyntaxErrors;
            return false;
        }
        using (parsed)
        {
            var root = parsed.RootElement;
            var version = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Version", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
            try
            {
                document = ReadDocument(root, version, kind);
                return true;
            }
            catch (MalformedException e)
            {
                // Structural errors in a versionless document are reported as the legacy grammar's failure.
                error = version is null && e.Message == SyntaxErrors ? LegacyParsingFailed : e.Message;
                return false;
            }
        }
    }

    private static PolicyDocument ReadDocument(JsonElement root, string? version, PolicyKind kind)
    {
        Require(root.ValueKind == JsonValueKind.Object);
        RequireKnownFields(root, DocumentFields);
        if (root.TryGetProperty("Version", out var versionElement))
        {
            Require(versionElement.ValueKind == JsonValueKind.String && Versions.Contains(version));
        }
        string? id = null;
        if (root.TryGetProperty("Id", out var idElement))
        {
            Require(idElement.ValueKind == JsonValueKind.String);
            id = idElement.GetString();
        }
        if (!root.TryGetProperty("Statement", out var statementElement))
        {
            throw new MalformedException("Missing required field Statement");
        }
        var statements = statementElement.ValueKind == JsonValueKind.Array
            ? statementElement.EnumerateArray().Select(s => ReadStatement(s, kind)).ToList()
            : [ReadStatement(statementElement, kind)];
        var sids = statements.Where(s => s.Sid is { Length: > 0 }).Select(s => s.Sid).ToList();
        if (sids.Count != sids.Distinct(StringComparer.Ordinal).Count())
        {
            throw new MalformedException("Statement IDs (SID) in a single policy must be unique.");
        }
        return new PolicyDocument(version, id, statements);
    }

    private static PolicyStatement ReadStatement(JsonElement statement, PolicyKind kind)
    {
        Require(statement.ValueKind == JsonValueKind.Object);
        RequireKnownFields(statement, StatementFields);
        string? sid = null;
        if (statement.TryGetProperty("Sid", out var sidElement))
        {
            Require(sidElement.ValueKind == JsonValueKind.String);
            sid = sidElement.GetString();
        }
        if (!statement.TryGetProperty("Effect", out var effectElement))
        {
            throw new MalformedException("Missing required field Effect");
        }
        var effect = effectElement.ValueKind == JsonValueKind.String ? effectElement.GetString() : null;
        Require(effect is "Allow" or "Deny");

        var principal = ReadPrincipal(statement, kind);
        var action = ReadMatch(statement, "Action", "NotAction") ?? throw new MalformedException("Policy statement must contain actions.");
        foreach (var pattern in action.Patterns)
        {
            ValidateAction(pattern);
        }
        if (kind == PolicyKind.RoleTrust && !action.IsNot && action.Patterns.Any(a => !IsStsAction(a)))
        {
            throw new MalformedException("AssumeRole policy may only specify STS AssumeRole actions.");
        }
        var resource = ReadMatch(statement, "Resource", "NotResource");
        if (kind == PolicyKind.RoleTrust && resource is not null)
        {
            throw new MalformedException($"Has prohibited field {(resource.IsNot ? "NotResource" : "Resource")}");
        }
        if (kind != PolicyKind.RoleTrust)
        {
            if (resource is null)
            {
                throw new MalformedException("Policy statement must contain resources.");
            }
            if (resource.Patterns.FirstOrDefault(p => p != "*" && !IsArn(p)) is { } notArn)
            {
                throw new MalformedException($"Resource {notArn} must be in ARN format or \"*\".");
            }
        }
        return new PolicyStatement(sid, effect == "Allow" ? PolicyEffect.Allow : PolicyEffect.Deny, action, resource, principal, ReadConditions(statement));
    }

    private static PolicyPrincipals? ReadPrincipal(JsonElement statement, PolicyKind kind)
    {
        var hasPrincipal = statement.TryGetProperty("Principal", out var principal);
        var hasNotPrincipal = statement.TryGetProperty("NotPrincipal", out var notPrincipal);
        Require(!(hasPrincipal && hasNotPrincipal));
        var field = hasPrincipal ? "Principal" : "NotPrincipal";
        if (kind == PolicyKind.Identity)
        {
            return hasPrincipal || hasNotPrincipal ? throw new MalformedException($"Has prohibited field {field}") : null;
        }
        if (!hasPrincipal && !hasNotPrincipal)
        {
            throw new MalformedException("Missing required field Principal");
        }
        if (hasNotPrincipal && kind == PolicyKind.RoleTrust)
        {
            throw new MalformedException("Has prohibited field NotPrincipal");
        }
        var element = hasPrincipal ? principal : notPrincipal;
        if (element.ValueKind == JsonValueKind.String)
        {
            Require(element.GetString() == "*");
            return new PolicyPrincipals(true, new Dictionary<string, IReadOnlyList<string>>(), !hasPrincipal);
        }
        Require(element.ValueKind == JsonValueKind.Object);
        var byType = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            Require(PrincipalTypes.Contains(property.Name));
            var values = ReadStrings(property.Value);
            Require(values.Count > 0);
            byType[property.Name] = property.Name switch
            {
                "AWS" => [.. values.Select(AwsPrincipal)],
                "Service" => [.. values.Select(v => IsServicePrincipal(v) ? v : throw InvalidPrincipal(property.Name, v))],
                _ => values,
            };
        }
        Require(byType.Count > 0);
        return new PolicyPrincipals(false, byType, !hasPrincipal);
    }

    /// <summary>An AWS principal: <c>*</c>, an account id (stored as the account's root ARN), or an IAM or STS ARN.</summary>
    private static string AwsPrincipal(string value)
    {
        if (value == "*" || AwsPrincipalArn().IsMatch(value))
        {
            return value;
        }
        if (AccountId().IsMatch(value))
        {
            return $"arn:aws:iam::{value}:root";
        }
        throw InvalidPrincipal("AWS", value);
    }

    private static MalformedException InvalidPrincipal(string type, string value) => new($"Invalid principal in policy: \"{type}\":\"{value}\"");

    private static bool IsServicePrincipal(string value) =>
        value.EndsWith(".amazonaws.com", StringComparison.Ordinal) || value.EndsWith(".amazonaws.com.cn", StringComparison.Ordinal);

    private static PolicyMatch? ReadMatch(JsonElement statement, string name, string notName)
    {
        var has = statement.TryGetProperty(name, out var element);
        var hasNot = statement.TryGetProperty(notName, out var notElement);
        Require(!(has && hasNot));
        if (!has && !hasNot)
        {
            return null;
        }
        var values = ReadStrings(has ? element : notElement);
        return values.Count == 0 ? null : new PolicyMatch(values, hasNot);
    }

    private static void ValidateAction(string action)
    {
        if (action == "*")
        {
            return;
        }
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new MalformedException("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
        }
        if (action.IndexOf(':', colon + 1) >= 0)
        {
            throw new MalformedException("Actions/Condition can contain only one colon.");
        }
        Require(colon < action.Length - 1 && action[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
    }

    private static bool IsStsAction(string action) =>
        action == "*" || action.StartsWith("sts:", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>arn:partition:service:region:account:resource</c>, where region and account may be empty.</summary>
    private static bool IsArn(string value) => value.StartsWith("arn:", StringComparison.Ordinal) && value.Split(':', 6).Length == 6;

    private static List<PolicyCondition> ReadConditions(JsonElement statement)
    {
        if (!statement.TryGetProperty("Condition", out var block))
        {
            return [];
        }
        Require(block.ValueKind == JsonValueKind.Object);
        var conditions = new List<PolicyCondition>();
        foreach (var byOperator in block.EnumerateObject())
        {
            Require(ConditionOperator.TryParse(byOperator.Name, out _) && byOperator.Value.ValueKind == JsonValueKind.Object);
            foreach (var byKey in byOperator.Value.EnumerateObject())
            {
                var colon = byKey.Name.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new MalformedException("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
                }
                var values = ReadConditionValues(byKey.Value);
                Require(values.Count > 0);
                conditions.Add(new PolicyCondition(byOperator.Name, byKey.Name, values));
            }
        }
        return conditions;
    }

    private static List<string> ReadConditionValues(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? [.. element.EnumerateArray().Select(ConditionValue)] : [ConditionValue(element)];

    private static string ConditionValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new MalformedException(SyntaxErrors),
    };

    private static List<string> ReadStrings(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return [element.GetString()!];
        }
        Require(element.ValueKind == JsonValueKind.Array);
        return [.. element.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new MalformedException(SyntaxErrors))];
    }

    private static void RequireKnownFields(JsonElement element, string[] fields)
    {
        foreach (var property in element.EnumerateObject())
        {
            Require(fields.Contains(property.Name));
        }
    }

    private static void Require(bool condition)
    {
        if (!condition)
        {
            throw new MalformedException(SyntaxErrors);
        }
    }

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountId();

    [GeneratedRegex(@"^arn:aws[a-z-]*:(iam::\d{12}:(root|user/.+|role/.+|federated-user/.+)|sts::\d{12}:(assumed-role/.+/.+|federated-user/.+))$")]
    private static partial Regex AwsPrincipalArn();
}
