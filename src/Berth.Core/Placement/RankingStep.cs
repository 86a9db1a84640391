namespace Berth.Core.Placement;

internal enum RankingKind : byte
{
    /// <summary>binpack cpu: least CPU left after placement first.</summary>
    BinpackCpu,

    /// <summary>binpack memory: least memory left after placement first.</summary>
    BinpackMemory,

    /// <summary>spread instanceId / host: fewest tasks of the group on the instance first.</summary>
    SpreadInstance,

    /// <summary>spread attribute:name: fewest tasks of the group among instances sharing the value first.</summary>
    SpreadAttribute,

    /// <summary>random: a uniform choice among the candidates the earlier strategies left.</summary>
    Random,
}

/// <summary>One validated placement strategy, as the engine ranks with it.</summary>
internal readonly record struct RankingStep(RankingKind Kind, string? Attribute = null);
