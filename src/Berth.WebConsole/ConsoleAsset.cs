namespace Berth.WebConsole;

/// <summary>One file of the console as it is served.</summary>
internal sealed record ConsoleAsset(byte[] Content, string ContentType, string ETag);
