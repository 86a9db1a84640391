namespace Berth.Store;

/// <summary>
/// The storage under a store failed, not the request: its disk is full, read-only or failing. Nothing was changed,
/// and the same request succeeds once the storage takes writes again (no restart is needed). The API answers it as
/// a 503 ServiceUnavailableException, which SDKs retry.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception innerException) : Exception(message, innerException);
