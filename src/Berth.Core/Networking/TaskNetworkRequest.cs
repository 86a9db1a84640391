namespace Berth.Core.Networking;

/// <summary>An awsvpc task's validated networkConfiguration: the subnets it may land in and the groups it carries.</summary>
public sealed record TaskNetworkRequest(IReadOnlyList<Subnet> Subnets, IReadOnlyList<SecurityGroup> SecurityGroups);
