using System.Text.Json;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.State;

namespace Berth.Core.Events;

/// <summary>
/// What a task state change takes from a stored task (<see cref="StateJsonContext"/>'s JSON as UTF-8, written with the
/// options of the wire's <see cref="EcsJsonContext"/>), read with a <see cref="Utf8JsonReader"/> over its top-level
/// members. No document is built: parsing every task written into a <see cref="JsonDocument"/>, then writing its
/// reported form into a string and parsing that again, was most of what an event cost (docs/performance.md, "event
/// recording per task").
/// </summary>
internal readonly record struct StoredTaskJson(string? LastStatus, string? DesiredStatus, string? ClusterArn, string? TaskArn, string? ContainerInstanceArn, bool HasTags)
{
    public TaskStatusPair Statuses => new(LastStatus, DesiredStatus);

    /// <summary>The members a task state change needs; everything else is skipped unread.</summary>
    public static StoredTaskJson Read(ReadOnlySpan<byte> task)
    {
        var reader = new Utf8JsonReader(task);
        ReadObjectStart(ref reader);
        string? lastStatus = null, desiredStatus = null, clusterArn = null, taskArn = null, containerInstanceArn = null;
        var hasTags = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("lastStatus"u8))
            {
                lastStatus = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("desiredStatus"u8))
            {
                desiredStatus = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("clusterArn"u8))
            {
                clusterArn = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("taskArn"u8))
            {
                taskArn = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("containerInstanceArn"u8))
            {
                containerInstanceArn = ReadString(ref reader);
            }
            else
            {
                hasTags |= reader.ValueTextEquals("tags"u8);
                reader.Read();
                reader.Skip();
            }
        }
        return new StoredTaskJson(lastStatus, desiredStatus, clusterArn, taskArn, containerInstanceArn, hasTags);
    }

    /// <summary>
    /// The stored task as DescribeTasks shows it: without its tags, nor the managed instance it runs on
    /// (<see cref="ManagedCapacity.AsReported"/>); both are null members there, which the wire's options leave out. The
    /// stored JSON itself when it has neither, else its other members copied as they are, in their order.
    /// </summary>
    public ReadOnlyMemory<byte> AsReported(ReadOnlyMemory<byte> task)
    {
        var managed = ManagedCapacity.IsManagedInstance(ContainerInstanceArn);
        if (!managed && !HasTags)
        {
            return task;
        }
        return JsonScratch.ToUtf8Bytes((task, managed), static (writer, state) =>
        {
            var json = state.task.Span;
            var reader = new Utf8JsonReader(json);
            ReadObjectStart(ref reader);
            writer.WriteStartObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var left = reader.ValueTextEquals("tags"u8) || (state.managed && reader.ValueTextEquals("containerInstanceArn"u8));
                if (!left)
                {
                    // As JsonElement.WriteTo writes a name: its unescaped text, escaped by the writer.
                    if (reader.ValueIsEscaped)
                    {
                        writer.WritePropertyName(reader.GetString()!);
                    }
                    else
                    {
                        writer.WritePropertyName(reader.ValueSpan);
                    }
                }
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (!left)
                {
                    writer.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
                }
            }
            writer.WriteEndObject();
        });
    }

    private static void ReadObjectStart(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A stored task that is not a JSON object.");
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }
        reader.Skip();
        return null;
    }
}
