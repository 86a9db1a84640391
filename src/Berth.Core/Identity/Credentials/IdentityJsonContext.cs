using System.Text.Json.Serialization;

namespace Berth.Core.Identity.Credentials;

/// <summary>JSON contracts of the stored identity documents (source-generated).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AccessKeyRecord))]
[JsonSerializable(typeof(IamUserRecord))]
[JsonSerializable(typeof(IamRoleRecord))]
[JsonSerializable(typeof(IamGroupRecord))]
[JsonSerializable(typeof(ManagedPolicyRecord))]
[JsonSerializable(typeof(TaskRoleSessionRecord))]
public sealed partial class IdentityJsonContext : JsonSerializerContext;
