using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Berth.Api.Query;
using Berth.Core.Errors;
using Berth.Core.Query;

namespace Berth.Api.Tests.Query;

/// <summary>
/// The generic query layer on a small hand-made model, for the spellings ELBv2 does not use but IAM, STS
/// and EC2 do: maps, flattened lists, locationName.
/// </summary>
public class QueryLayerTests
{
    private static readonly QueryModel Model = new("2020-01-01", "test", "urn:test", new Dictionary<string, QueryShape>
    {
        ["Input"] = QueryShape.Structure(
        [
            new("Names", "NameList"), new("Flat", "FlatList"), new("Labels", "LabelMap"), new("Count", "Integer"),
            new("Enabled", "Boolean"), new("Inner", "Inner", LocationName: "InnerThing"), new("Scheme", "SchemeEnum"),
        ]),
        ["Output"] = QueryShape.Structure([new("Flat", "FlatList"), new("When", "Timestamp"), new("Labels", "LabelMap")]),
        ["Inner"] = QueryShape.Structure([new("Value", "String") { Required = true }, new("Other", "String")]),
        ["NameList"] = QueryShape.List(new("member", "String"), flattened: false),
        ["FlatList"] = QueryShape.List(new("member", "String", LocationName: "Item"), flattened: true),
        ["LabelMap"] = QueryShape.Map(new("key", "String"), new("value", "String"), flattened: false),
        ["String"] = QueryShape.Scalar(QueryShapeKind.String),
        ["Integer"] = QueryShape.Scalar(QueryShapeKind.Integer),
        ["Boolean"] = QueryShape.Scalar(QueryShapeKind.Boolean),
        ["Timestamp"] = QueryShape.Scalar(QueryShapeKind.Timestamp),
        ["SchemeEnum"] = QueryShape.Enumeration(new HashSet<string>(StringComparer.Ordinal) { "internal", "internet-facing" }),
    }, new Dictionary<string, QueryOperation> { ["Op"] = new("Op", "Input", "Output", "OpResult") });

    /// <summary>The form read as a query service reads it, and checked as its operation table then checks it.</summary>
    private static JsonObject Read(string form)
    {
        var json = new QueryRequestReader(Model).Read(QueryForm.Parse(Encoding.UTF8.GetBytes(form)), "Input");
        new ModelConstraints(Model, ModelConstraints.ValidationError).Check("Input", json, path: "");
        return json;
    }

    [Fact]
    public void Lists_maps_nested_structures_and_scalars_become_the_input_json()
    {
        var json = Read("Names.member.1=a&Names.member.2=b%20c&Flat.1=x&Labels.entry.1.key=env&Labels.entry.1.value=dev" +
                        "&Count=3&Enabled=true&InnerThing.Value=v");
        Assert.Equal("""{"Names":["a","b c"],"Flat":["x"],"Labels":{"env":"dev"},"Count":3,"Enabled":true,"Inner":{"Value":"v"}}""",
            json.ToJsonString());
    }

    [Fact]
    public void An_empty_list_is_sent_as_the_bare_name()
    {
        Assert.Equal("""{"Names":[]}""", Read("Names=").ToJsonString());
    }

    [Fact]
    public void A_malformed_number_is_a_validation_error_naming_the_parameter()
    {
        var e = Assert.Throws<QueryValidationException>(() => Read("Count=many"));
        Assert.Contains("'Count'", e.Message);
    }

    [Theory]
    [InlineData("Scheme=external")]
    [InlineData("Scheme=")]
    [InlineData("Scheme=Internal")]
    public void A_value_outside_an_enum_is_a_validation_error_naming_the_parameter_and_the_values(string form)
    {
        var e = Assert.Throws<QueryValidationException>(() => Read(form));
        Assert.EndsWith("at 'Scheme' failed to satisfy constraint: Member must satisfy enum value set: [internal, internet-facing]", e.Message);
        Assert.Equal("""{"Scheme":"internal"}""", Read("Scheme=internal").ToJsonString());
    }

    [Fact]
    public void A_structure_without_a_required_member_is_a_validation_error_naming_it()
    {
        var e = Assert.Throws<QueryValidationException>(() => Read("InnerThing.Other=x"));
        Assert.Equal("1 validation error detected: Value null at 'Inner.Value' failed to satisfy constraint: Member must not be null", e.Message);
    }

    [Fact]
    public void Output_lists_flatten_by_their_location_name_and_timestamps_are_iso_8601()
    {
        var output = JsonNode.Parse("""{"Flat":["a","b"],"When":1767225600.5,"Labels":{"k":"v"}}""");
        var xml = Encoding.UTF8.GetString(new QueryResponseWriter(Model).Write(Model.Operations["Op"], output, "req-1"));
        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><OpResponse xmlns=\"urn:test\"><OpResult><Item>a</Item><Item>b</Item>" +
            "<When>2026-01-01T00:00:00.500Z</When><Labels><entry><key>k</key><value>v</value></entry></Labels></OpResult>" +
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></OpResponse>",
            xml);
    }

    // Seen by the API fuzzer: Action=DescribeLoadBalancers&Version=%00 was answered 500, because the error message
    // quotes the version and XmlWriter refuses a NUL.
    [Fact]
    public void Characters_xml_cannot_carry_are_written_as_replacement_characters()
    {
        var output = JsonNode.Parse("""{"Flat":["a\u0000b","\ud83d\ude00"],"Labels":{"k\u0001":"\u001f"}}""");

        var result = XDocument.Parse(Encoding.UTF8.GetString(new QueryResponseWriter(Model).Write(Model.Operations["Op"], output, "req-1")));
        var error = XDocument.Parse(Encoding.UTF8.GetString(new QueryResponseWriter(Model).WriteError("Sender", "InvalidAction", "Version '\0'", "req-2")));

        XNamespace ns = "urn:test";
        Assert.Equal(["a\uFFFDb", "\ud83d\ude00"], result.Descendants(ns + "Item").Select(e => e.Value));
        Assert.Equal(("k\uFFFD", "\uFFFD"), (result.Descendants(ns + "key").Single().Value, result.Descendants(ns + "value").Single().Value));
        Assert.Equal("Version '\uFFFD'", error.Descendants(ns + "Message").Single().Value);
    }

    // Seen by the API fuzzer: elbv2 DeleteTargetGroup with a 90 kB parameter name of 10,000 segments
    // (TargetGroupArn.member.1.member.1…) made the form remember 10,000 prefixes of up to 90 kB each: 1.5 GB for one request.
    [Fact]
    public void A_parameter_name_nested_deeper_than_any_model_is_a_validation_error()
    {
        var deep = "Names" + string.Concat(Enumerable.Repeat(".member.1", 5_000)) + "=x";

        var e = Assert.Throws<QueryValidationException>(() => QueryForm.Parse(Encoding.UTF8.GetBytes(deep)));
        Assert.Contains("at most 32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_name_of_32_segments_is_read()
    {
        var name = string.Join('.', Enumerable.Repeat("a", 32));

        Assert.Equal("x", QueryForm.Parse(Encoding.UTF8.GetBytes(name + "=x"))[name]);
    }
}

