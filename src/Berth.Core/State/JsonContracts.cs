using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Berth.Core.State;

/// <summary>Looks a record's contract up in a source-generated context when it is first needed.</summary>
public static class JsonContracts
{
    /// <summary>
    /// The context's metadata of <typeparamref name="T"/>. Reading a context's typed property builds that metadata
    /// at once; callers that hold many contracts (record kinds, API operations) ask for each on first use instead,
    /// so what an idle process never serializes is never built (docs/performance.md, Idle memory).
    /// </summary>
    public static JsonTypeInfo<T> TypeInfo<T>(this JsonSerializerContext contracts) =>
        (JsonTypeInfo<T>?)contracts.GetTypeInfo(typeof(T))
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not in {contracts.GetType().Name}.");
}
