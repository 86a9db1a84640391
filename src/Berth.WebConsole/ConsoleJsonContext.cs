using System.Text.Json.Serialization;

namespace Berth.WebConsole;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConsoleSettings))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
