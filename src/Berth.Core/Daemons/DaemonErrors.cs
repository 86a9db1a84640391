using Berth.Core.Errors;

namespace Berth.Core.Daemons;

/// <summary>The model's DaemonNotFoundException: "The specified daemon wasn't found."</summary>
public sealed class DaemonNotFoundException(string message = "The specified daemon wasn't found.") : EcsException(message);

/// <summary>The model's DaemonNotActiveException: a daemon being deleted can be neither updated nor deleted again.</summary>
public sealed class DaemonNotActiveException(string message = "The specified daemon isn't active.") : EcsException(message);
