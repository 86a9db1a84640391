using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.State;

namespace Berth.Store;

/// <summary>A kind of record and the JSON contract of its body: the typed view over <see cref="IStateStore"/>.</summary>
/// <remarks>
/// The contract is taken from <paramref name="contracts"/> on first use: the record kinds are static fields, so
/// touching one built the metadata of every kind of its class, read or not.
/// </remarks>
public sealed class RecordType<T>(string kind, JsonSerializerContext contracts)
{
    private JsonTypeInfo<T>? _typeInfo;

    public string Kind { get; } = kind;

    public JsonTypeInfo<T> TypeInfo => _typeInfo ??= contracts.TypeInfo<T>();

    public T Deserialize(StoredRecord record) =>
        JsonSerializer.Deserialize(record.Body, TypeInfo)
        ?? throw new InvalidDataException($"{Kind} '{record.Id}' has an empty body.");

    public PutRecord Put(string id, string scope, string sortKey, T value, long expectedVersion, string? indexKey = null) =>
        new(Kind, id, scope, sortKey, JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo), expectedVersion) { IndexKey = indexKey };

    public DeleteRecord Delete(Versioned<T> current) => new(Kind, current.Id, current.Version);
}

/// <summary>A record's value with the version it was read at, so an update can be guarded by it.</summary>
public sealed record Versioned<T>(string Id, long Version, string SortKey, T Value);
