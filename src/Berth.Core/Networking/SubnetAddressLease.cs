namespace Berth.Core.Networking;

/// <summary>
/// One address of a subnet held by one task. Stored one record per address, so two launches that pick the same
/// address conflict on create. A lease whose task no longer holds a claim (it stopped) is free to take over.
/// </summary>
public sealed record SubnetAddressLease(string SubnetId, string Address, string TaskArn);
