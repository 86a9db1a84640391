namespace Berth.Core.Identity.Authorization;

/// <summary>One botocore service model: its operations and each operation's top-level input members.</summary>
/// <param name="Service">botocore's name (<c>ecs</c>, <c>elbv2</c>, <c>cloudwatch</c>…).</param>
/// <param name="SigningName">The SigV4 credential scope's service (<c>ecs</c>, <c>elasticloadbalancing</c>, <c>monitoring</c>…).</param>
/// <param name="IamPrefix">The IAM actions' prefix (<c>ecs</c>, <c>elasticloadbalancing</c>, <c>cloudwatch</c>…).</param>
internal sealed record ServiceModel(
    string Service,
    string SigningName,
    string IamPrefix,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Operations);
