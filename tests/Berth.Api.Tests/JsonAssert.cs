using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Api.Tests;

/// <summary>Whole-shape comparison of JSON documents: member order is free, everything else must match.</summary>
public static class JsonAssert
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Equal(string expected, JsonNode? actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        if (!JsonNode.DeepEquals(expectedNode, actual))
        {
            // Assert.Equal on the indented texts is what prints the two documents side by side.
            Assert.Equal(expectedNode?.ToJsonString(Indented), actual?.ToJsonString(Indented));
            Assert.Fail($"JSON documents differ: expected {expectedNode?.ToJsonString()}, got {actual?.ToJsonString()}");
        }
    }

    /// <summary>Checks that <paramref name="member"/> is an epoch-seconds number (as AWS JSON 1.1 sends timestamps), then removes it.</summary>
    public static double TakeTimestamp(JsonNode? node, string member)
    {
        var obj = Assert.IsType<JsonObject>(node);
        Assert.True(obj.TryGetPropertyValue(member, out var value), $"'{member}' is missing from {obj.ToJsonString()}");
        Assert.Equal(JsonValueKind.Number, value!.GetValueKind());
        obj.Remove(member);
        return value.GetValue<double>();
    }
}
