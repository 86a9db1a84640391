using System.Text.Json;
using Berth.Core.Arns;
using Berth.Core.Errors;
using Berth.Core.SecretsManager;
using Berth.Core.Ssm;

namespace Berth.Control.Secrets;

/// <summary>
/// What task start needs to inject a container definition's <c>secrets</c> (and a log configuration's
/// <c>secretOptions</c>): each <c>valueFrom</c> resolved to its plaintext, as the ECS agent resolves it. A
/// <c>valueFrom</c> is a Secrets Manager secret ARN, optionally with ECS's
/// <c>:json-key:version-stage:version-id</c> fields, or an SSM parameter name or ARN (a parameter in another account
/// or region is named by ARN). Whatever cannot be resolved fails with the reason ECS gives a task it stops
/// (<see cref="SecretResolutionException"/>), naming the valueFrom, never a value.
/// </summary>
public sealed class SecretValueResolver(SsmParameters parameters, ManagedSecrets secrets, TimeProvider time)
{
    private const string Prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

    /// <summary>Every secret of a container (environment variable name → valueFrom), or the first failure.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ResolveAllAsync(IEnumerable<KeyValuePair<string, string>> secretsByName, ResourceScope taskScope,
        CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, valueFrom) in secretsByName)
        {
            values[name] = await ResolveAsync(valueFrom, taskScope, cancellationToken).ConfigureAwait(false);
        }
        return values;
    }

    /// <param name="taskScope">The task's account and region, where a parameter given by name is looked up.</param>
    /// <exception cref="SecretResolutionException">The secret or parameter is missing, scheduled for deletion, or lacks the JSON key.</exception>
    public Task<string> ResolveAsync(string valueFrom, ResourceScope taskScope, CancellationToken cancellationToken) =>
        SecretReference.IsSecret(valueFrom)
            ? FromSecretAsync(valueFrom, cancellationToken)
            : FromParameterAsync(valueFrom, taskScope, cancellationToken);

    private async Task<string> FromSecretAsync(string valueFrom, CancellationToken cancellationToken)
    {
        const string asm = "unable to retrieve secret from asm: ";
        var reference = SecretReference.Parse(valueFrom) ?? throw new SecretResolutionException($"{Prefix}{asm}invalid secret ARN: {valueFrom}");
        var fields = reference.SecretId.Split(':');
        string value;
        try
        {
            value = await secrets.ValueAsync(reference, new ResourceScope(fields[3], fields[4]), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            throw new SecretResolutionException(
                $"{Prefix}{asm}service call has been retried 1 time(s): failed to fetch secret {reference.SecretId} from secrets manager: {e.ErrorCode}: {e.Message}");
        }
        return reference.JsonKey is { } key
            ? JsonKey(value, key) ?? throw new SecretResolutionException($"{Prefix}{asm}retrieved secret from Secrets Manager did not contain json key {key}")
            : value;
    }

    private async Task<string> FromParameterAsync(string valueFrom, ResourceScope taskScope, CancellationToken cancellationToken)
    {
        var scope = taskScope;
        if (valueFrom.StartsWith("arn:", StringComparison.Ordinal) && valueFrom.Split(':') is { Length: >= 6 } fields)
        {
            scope = new ResourceScope(fields[3], fields[4]);
        }
        return await parameters.ValueAsync(ParameterReference.Parse(valueFrom), scope, cancellationToken).ConfigureAwait(false)
            ?? throw new SecretResolutionException($"{Prefix}unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: {valueFrom}");
    }

    /// <summary>A top-level member of a JSON object secret: strings as they are, anything else as its JSON text.</summary>
    private static string? JsonKey(string value, string key)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(key, out var member)
                ? member.ValueKind == JsonValueKind.String ? member.GetString() : member.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A <c>valueFrom</c> that cannot be resolved; <see cref="Exception.Message"/> is the stopped task's reason, as ECS words it.</summary>
public sealed class SecretResolutionException(string reason) : Exception(reason);
