using System.Text.Json.Serialization;
using Berth.Core.Ssm;

namespace Berth.Core.SecretsManager;

/// <summary>JSON contracts of stored parameters and secrets (source-generated).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ParameterRecord))]
[JsonSerializable(typeof(SecretRecord))]
public sealed partial class SecretsJsonContext : JsonSerializerContext;
