namespace Berth.Core.Identity.Authorization.Services;

/// <summary>
/// Cost Explorer, from "Actions, resources, and condition keys for AWS Cost Explorer Service": the operations Berth
/// serves (GetCostAndUsage, GetDimensionValues, GetTags) support no resource types, so every ce: action is authorized
/// against <c>*</c>. Berth has none of the resources of the others (anomaly monitors, cost categories).
/// </summary>
internal static class CostExplorerAuthorization
{
    public static readonly ServiceAuthorization Rules = new("ce", [], new Dictionary<string, VariableSource>(), new Dictionary<string, OperationRule>());
}
