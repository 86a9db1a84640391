namespace Berth.Control.Identity;

/// <summary>What a request's global condition keys say besides its caller: aws:CurrentTime, aws:SourceIp, aws:SecureTransport.</summary>
public sealed record RequestFacts(DateTimeOffset Now, string? SourceIp, bool SecureTransport);
