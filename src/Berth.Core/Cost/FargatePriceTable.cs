using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Core.Cost;

/// <summary>
/// Fargate's list prices per region (Linux/x86, per vCPU-hour and GB-hour), with where they came from. The built-in
/// table is <c>fargate-prices.json</c> beside this file (embedded); <c>berth server --price-file</c> replaces it.
/// </summary>
public sealed record FargatePriceTable
{
    [JsonPropertyName("source")] public required string Source { get; init; }

    [JsonPropertyName("retrieved")] public required string Retrieved { get; init; }

    [JsonPropertyName("currency")] public string Currency { get; init; } = "USD";

    [JsonPropertyName("note")] public string? Note { get; init; }

    /// <summary>The prices used for a region the table does not list.</summary>
    [JsonPropertyName("defaultRegion")] public required string DefaultRegion { get; init; }

    [JsonPropertyName("regions")] public required IReadOnlyDictionary<string, RegionPrices> Regions { get; init; }

    public static FargatePriceTable BuiltIn { get; } = Load(
        typeof(FargatePriceTable).Assembly.GetManifestResourceStream("Berth.Core.Cost.fargate-prices.json")
        ?? throw new InvalidOperationException("The built-in Fargate price table is not embedded."));

    public RegionPrices For(string region) => Regions.TryGetValue(region, out var prices) ? prices : Regions[DefaultRegion];

    /// <summary>Reads and checks a price table; a table Berth cannot use is refused with the reason.</summary>
    public static FargatePriceTable Load(Stream json)
    {
        FargatePriceTable? table;
        try
        {
            table = JsonSerializer.Deserialize(json, CostJsonContext.Default.FargatePriceTable);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The price table is not valid JSON of the expected shape: {e.Message}", e);
        }
        if (table is null || !table.Regions.ContainsKey(table.DefaultRegion))
        {
            throw new InvalidDataException("The price table must list its defaultRegion under regions.");
        }
        var bad = table.Regions.FirstOrDefault(r => !r.Value.OnDemand.IsValid || !r.Value.Spot.IsValid || string.IsNullOrEmpty(r.Value.UsageTypePrefix));
        return bad.Value is null ? table : throw new InvalidDataException($"The prices of {bad.Key} need a usageTypePrefix and non-negative vcpuHour and gbHour.");
    }
}

/// <summary>A region's prices and the prefix AWS gives its usage types (USE1, EUC1, …).</summary>
public sealed record RegionPrices(
    [property: JsonPropertyName("usageTypePrefix")] string UsageTypePrefix,
    [property: JsonPropertyName("onDemand")] Rate OnDemand,
    [property: JsonPropertyName("spot")] Rate Spot);

/// <summary>A price per vCPU-hour and per GB-hour; <see cref="Verified"/> says whether it was checked against AWS's page.</summary>
public sealed record Rate(
    [property: JsonPropertyName("vcpuHour")] decimal VcpuHour,
    [property: JsonPropertyName("gbHour")] decimal GbHour,
    [property: JsonPropertyName("verified")] bool Verified)
{
    internal bool IsValid => VcpuHour >= 0 && GbHour >= 0;

    public decimal Cost(double vcpuHours, double gbHours) => VcpuHour * (decimal)vcpuHours + GbHour * (decimal)gbHours;
}

/// <summary>JSON contracts of the price table and of <c>/_berth/cost/v1/report</c>.</summary>
[JsonSerializable(typeof(FargatePriceTable))]
[JsonSerializable(typeof(CostReport))]
[JsonSerializable(typeof(CostReportRequest))]
public sealed partial class CostJsonContext : JsonSerializerContext;
