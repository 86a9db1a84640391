using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Berth.Store;

/// <summary>A kind of record and the JSON contract of its body: the typed view over <see cref="IStateStore"/>.</summary>
public sealed record RecordType<T>(string Kind, JsonTypeInfo<T> TypeInfo)
{
    public T Deserialize(StoredRecord record) =>
        JsonSerializer.Deserialize(record.Body, TypeInfo)
        ?? throw new InvalidDataException($"{Kind} '{record.Id}' has an empty body.");

    public PutRecord Put(string id, string scope, string sortKey, T value, long expectedVersion) =>
        new(Kind, id, scope, sortKey, JsonSerializer.Serialize(value, TypeInfo), expectedVersion);

    public DeleteRecord Delete(Versioned<T> current) => new(Kind, current.Id, current.Version);
}

/// <summary>A record's value with the version it was read at, so an update can be guarded by it.</summary>
public sealed record Versioned<T>(string Id, long Version, string SortKey, T Value);
