using Berth.Core.Ecs;
using Berth.Core.Elb;
using Berth.Core.Networking;

namespace Berth.Core.Cleanup;

/// <summary>
/// What the clean-up rules look at, read from one account and region: services, task definition revisions, load
/// balancers and target groups (with <c>LoadBalancerArns</c> filled in), log groups, container instances, and what the
/// agents last reported holding on their engines' subnet networks, with the ARNs of the tasks the server knows.
/// </summary>
public sealed record CleanupSnapshot(
    IReadOnlyList<Service> Services,
    IReadOnlyList<TaskDefinition> TaskDefinitions,
    IReadOnlyList<Elb.LoadBalancer> LoadBalancers,
    IReadOnlyList<TargetGroupRecord> TargetGroups,
    IReadOnlyList<CleanupLogGroup> LogGroups,
    IReadOnlyList<CleanupInstance> Instances,
    IReadOnlyList<EngineAttachments> Attachments,
    IReadOnlySet<string> KnownTaskArns);

/// <summary>A log group as the rules need it: its retention (null: never expire) and the bytes its events take.</summary>
public sealed record CleanupLogGroup(string Name, int? RetentionInDays, long StoredBytes);

/// <summary>A registered container instance: its status, whether its agent is connected now, and how many tasks it still runs.</summary>
public sealed record CleanupInstance(string Arn, string ClusterArn, string Status, bool AgentConnected, DateTimeOffset LastHeartbeat, int Tasks);
