namespace Berth.WebConsole;

/// <summary>
/// What the console's front end must know before its first call: whether requests must be signed (then it asks for an
/// access key) and the region to sign for. Served as <c>/console/config.json</c>; it carries no secret.
/// </summary>
public sealed record ConsoleSettings(bool RequiresSignatures, string DefaultRegion);
