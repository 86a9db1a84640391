using System.Text;

namespace Berth.Store.Tests;

/// <summary>
/// Record bodies as the JSON text the tests write and compare. A body is UTF-8 bytes in an array, which compares by
/// reference, so a record read back is compared as <see cref="RecordText"/>.
/// </summary>
internal static class Bodies
{
    public static byte[] Of(string json) => Encoding.UTF8.GetBytes(json);

    public static string BodyText(this StoredRecord record) => Encoding.UTF8.GetString(record.Body);

    public static RecordText? AsText(this StoredRecord? record) =>
        record is null ? null : new(record.Kind, record.Id, record.Scope, record.SortKey, record.Version, record.BodyText());
}

/// <summary>A <see cref="StoredRecord"/> with its body as text, so two compare by value.</summary>
internal sealed record RecordText(string Kind, string Id, string Scope, string SortKey, long Version, string Body);
