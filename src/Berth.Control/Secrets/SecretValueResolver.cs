using System.Text.Json;
using Berth.Control.Identity;
using Berth.Core.Arns;
using Berth.Core.Errors;
using Berth.Core.Identity.Authorization;
using Berth.Core.SecretsManager;
using Berth.Core.Ssm;

namespace Berth.Control.Secrets;

/// <summary>
/// What task start needs to inject a container definition's <c>secrets</c> (and a log configuration's
/// <c>secretOptions</c>): each <c>valueFrom</c> resolved to its plaintext, as the ECS agent resolves it. A
/// <c>valueFrom</c> is a Secrets Manager secret ARN, optionally with ECS's
/// <c>:json-key:version-stage:version-id</c> fields, or an SSM parameter name or ARN (a parameter in another account
/// or region is named by ARN). Whatever cannot be resolved fails with the reason ECS gives a task it stops
/// (<see cref="SecretResolutionException"/>), naming the valueFrom, never a value. Given a reader (the execution
/// role's session), each read must be allowed to it first, as the agent's own GetParameters and GetSecretValue calls
/// are; kms:Decrypt is not modelled (Berth has no KMS keys), so a policy need not allow it.
/// </summary>
public sealed class SecretValueResolver(SsmParameters parameters, ManagedSecrets secrets, RequestAuthorization authorization, TimeProvider time)
{
    private const string Prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

    /// <summary>Every secret of a container (environment variable name → valueFrom), or the first failure.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ResolveAllAsync(IEnumerable<KeyValuePair<string, string>> secretsByName, ResourceScope taskScope,
        string? reader, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, valueFrom) in secretsByName)
        {
            values[name] = await ResolveAsync(valueFrom, taskScope, reader, cancellationToken).ConfigureAwait(false);
        }
        return values;
    }

    /// <param name="taskScope">The task's account and region, where a parameter given by name is looked up.</param>
    /// <param name="reader">The principal that must be allowed to read the value, or null to read it unchecked.</param>
    /// <exception cref="SecretResolutionException">
    /// The reader may not read it, or the secret or parameter is missing, scheduled for deletion, lacks the JSON key, or does not open.
    /// </exception>
    public Task<string> ResolveAsync(string valueFrom, ResourceScope taskScope, string? reader, CancellationToken cancellationToken) =>
        SecretReference.IsSecret(valueFrom)
            ? FromSecretAsync(valueFrom, reader, cancellationToken)
            : FromParameterAsync(valueFrom, taskScope, reader, cancellationToken);

    /// <summary>
    /// Which version a valueFrom selects now (<c>ssm:</c> and a parameter's version number, <c>asm:</c> and a secret's
    /// version id) and when that version was made, or null when it selects none; unchecked, as it reveals no value.
    /// </summary>
    public async Task<SelectedVersion?> VersionAsync(string valueFrom, ResourceScope taskScope, CancellationToken cancellationToken)
    {
        if (!SecretReference.IsSecret(valueFrom))
        {
            return await parameters.SelectedVersionAsync(ParameterReference.Parse(valueFrom), ParameterScope(valueFrom, taskScope), cancellationToken).ConfigureAwait(false)
                is { } parameter ? new SelectedVersion($"ssm:{parameter.Version}", parameter.LastModifiedDate) : null;
        }
        return SecretReference.Parse(valueFrom) is { } reference
            && await secrets.SelectedVersionAsync(reference, SecretScope(reference), time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is { } secret
            ? new SelectedVersion($"asm:{secret.VersionId}", secret.CreatedDate)
            : null;
    }

    private async Task<string> FromSecretAsync(string valueFrom, string? reader, CancellationToken cancellationToken)
    {
        const string asm = "unable to retrieve secret from asm: ";
        var reference = SecretReference.Parse(valueFrom) ?? throw new SecretResolutionException($"{Prefix}{asm}invalid secret ARN: {valueFrom}");
        var scope = SecretScope(reference);
        var now = time.GetUtcNow();
        var failed = $"{Prefix}{asm}service call has been retried 1 time(s): failed to fetch secret {reference.SecretId} from secrets manager: ";
        string value;
        try
        {
            if (reader is not null)
            {
                // A policy names the secret's full ARN (name-suffix), whatever form the valueFrom has.
                var arn = await secrets.ArnAsync(reference.SecretId, scope, now, cancellationToken).ConfigureAwait(false) ?? reference.SecretId;
                await AuthorizeAsync(reader, scope, "secretsmanager:GetSecretValue", new RequestedResource(arn, "Secret", IsExact: true), failed, cancellationToken)
                    .ConfigureAwait(false);
            }
            value = await secrets.ValueAsync(reference, scope, now, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            throw new SecretResolutionException($"{failed}{e.ErrorCode}: {e.Message}");
        }
        return reference.JsonKey is { } key
            ? JsonKey(value, key) ?? throw new SecretResolutionException($"{Prefix}{asm}retrieved secret from Secrets Manager did not contain json key {key}")
            : value;
    }

    private async Task<string> FromParameterAsync(string valueFrom, ResourceScope taskScope, string? reader, CancellationToken cancellationToken)
    {
        const string ssm = $"{Prefix}unable to retrieve secrets from ssm: service call has been retried 1 time(s): ";
        var scope = ParameterScope(valueFrom, taskScope);
        var reference = ParameterReference.Parse(valueFrom);
        if (reader is not null)
        {
            await AuthorizeAsync(reader, scope, "ssm:GetParameters", new RequestedResource(ParameterRules.Arn(scope, reference.Names[0]), "parameter", IsExact: true),
                ssm, cancellationToken).ConfigureAwait(false);
        }
        string? value;
        try
        {
            value = await parameters.ValueAsync(reference, scope, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            throw new SecretResolutionException($"{ssm}{e.ErrorCode}: {e.Message}");
        }
        return value ?? throw new SecretResolutionException($"{ssm}invalid parameters: {valueFrom}");
    }

    /// <summary>A secret ARN names its own region and account.</summary>
    private static ResourceScope SecretScope(SecretReference reference)
    {
        var fields = reference.SecretId.Split(':');
        return new ResourceScope(fields[3], fields[4]);
    }

    /// <summary>A parameter ARN names its own region and account; a name is the task's.</summary>
    private static ResourceScope ParameterScope(string valueFrom, ResourceScope taskScope) =>
        valueFrom.StartsWith("arn:", StringComparison.Ordinal) && valueFrom.Split(':') is { Length: >= 6 } fields
            ? new ResourceScope(fields[3], fields[4])
            : taskScope;

    /// <summary>Refuses a read the reader's policies do not allow, with the AccessDeniedException the agent's call would get.</summary>
    private async Task AuthorizeAsync(string reader, ResourceScope scope, string action, RequestedResource resource, string failurePrefix,
        CancellationToken cancellationToken)
    {
        var decision = await authorization.AuthorizeActionAsync(reader, scope, action, resource, RequestContext.Empty,
            new RequestFacts(time.GetUtcNow(), SourceIp: null, SecureTransport: true), cancellationToken).ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            throw new SecretResolutionException($"{failurePrefix}AccessDeniedException: {decision.DenialMessage}");
        }
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

/// <summary>The version a <c>valueFrom</c> selects: an id that changes with the value, and when the version was made.</summary>
public sealed record SelectedVersion(string Id, DateTimeOffset Created);

/// <summary>A <c>valueFrom</c> that cannot be resolved; <see cref="Exception.Message"/> is the stopped task's reason, as ECS words it.</summary>
public sealed class SecretResolutionException(string reason) : Exception(reason);
