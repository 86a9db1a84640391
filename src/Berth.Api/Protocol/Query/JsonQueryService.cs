namespace Berth.Api.Protocol.Query;

/// <summary>
/// A service that also answers the AWS query protocol (form-encoded <c>Action=…&amp;Version=…</c>, XML answers),
/// as services that began as query services (CloudWatch) still do for older SDKs. The request's
/// <c>Version</c> picks the service; its operations are those of <see cref="Operations"/>.
/// </summary>
public sealed record JsonQueryService(string ApiVersion, string XmlNamespace, JsonService Operations);
