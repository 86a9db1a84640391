using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Berth.Agent.State;

/// <summary>
/// Reads and writes <typeparamref name="T"/> through another context's contract. A source-generated context builds
/// its own metadata (and JIT-compiles its own initialisers) for every type it reaches; with this converter in its
/// options it never does for <typeparamref name="T"/>, and the metadata the other context has already built is used.
/// The output does not change: the writer, and so the indentation, is the caller's.
/// </summary>
internal sealed class SharedContractConverter<T>(JsonTypeInfo<T> contract) : JsonConverter<T>
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, contract);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, contract);
}
