namespace Berth.Core.Query;

/// <summary>
/// What the AWS query protocol needs to know about a service that its generated records cannot say: the
/// wire name of every member, how lists and maps are spelled, and each operation's result wrapper.
/// Generated from botocore's model by eng/generate-shapes.py.
/// </summary>
public sealed record QueryModel(
    string ApiVersion,
    string SigningName,
    string XmlNamespace,
    IReadOnlyDictionary<string, QueryShape> Shapes,
    IReadOnlyDictionary<string, QueryOperation> Operations)
{
    public QueryShape Shape(string name) =>
        Shapes.TryGetValue(name, out var shape) ? shape : throw new KeyNotFoundException($"Shape {name} is not in the {SigningName} model.");
}

/// <summary>An operation: its input and output shapes, and the element its result is wrapped in (<c>{Op}Result</c>).</summary>
public sealed record QueryOperation(string Name, string? Input, string? Output, string? ResultWrapper);

public enum QueryShapeKind { Structure, List, Map, String, Integer, Long, Double, Boolean, Timestamp, Blob }

/// <summary>
/// A member of a structure (or the member of a list, the key or value of a map). <see cref="Name"/> is the
/// model's member name, which is also the JSON name of the generated record's property.
/// </summary>
public sealed record QueryMember(string Name, string Shape, string? LocationName = null, string? QueryName = null)
{
    /// <summary>The element or parameter name on the wire: botocore uses locationName when the model gives one.</summary>
    public string WireName => LocationName ?? Name;

    /// <summary>Whether the structure must have this member (an input without it is refused: Berth.Api's ModelConstraints).</summary>
    public bool Required { get; init; }
}

public sealed record QueryShape(QueryShapeKind Kind)
{
    public IReadOnlyList<QueryMember> Members { get; init; } = [];

    /// <summary>The list's member, or the map's value.</summary>
    public QueryMember? Item { get; init; }

    public QueryMember? Key { get; init; }

    /// <summary>Flattened lists and maps repeat their items under the parent's name, without a wrapping element.</summary>
    public bool Flattened { get; init; }

    /// <summary>The values an enum's string may take; null for any other shape.</summary>
    public IReadOnlySet<string>? Values { get; init; }

    public static QueryShape Structure(IReadOnlyList<QueryMember> members) => new(QueryShapeKind.Structure) { Members = members };

    public static QueryShape List(QueryMember member, bool flattened) =>
        new(QueryShapeKind.List) { Item = member, Flattened = flattened };

    public static QueryShape Map(QueryMember key, QueryMember value, bool flattened) =>
        new(QueryShapeKind.Map) { Key = key, Item = value, Flattened = flattened };

    public static QueryShape Scalar(QueryShapeKind kind) => new(kind);

    public static QueryShape Enumeration(IReadOnlySet<string> values) => new(QueryShapeKind.String) { Values = values };
}
