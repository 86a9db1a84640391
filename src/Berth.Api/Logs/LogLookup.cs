using Berth.Api.Protocol;
using Berth.Core.Errors;
using Berth.Core.Logs;
using Berth.Store.Logs;

namespace Berth.Api.Logs;

/// <summary>Finds the group and stream a request names, or throws CloudWatch Logs' ResourceNotFoundException.</summary>
internal sealed class LogLookup(ILogStore store)
{
    public async Task<LogGroupRow> GroupAsync(string? logGroupName, string? logGroupIdentifier, RequestContext context, CancellationToken cancellationToken) =>
        await store.FindGroupAsync(LogRequests.ScopeKey(context), LogNames.GroupOf(logGroupName, logGroupIdentifier), cancellationToken).ConfigureAwait(false)
        ?? throw LogsErrors.GroupNotFound();

    public async Task<LogStreamRow> StreamAsync(LogGroupRow group, string? logStreamName, CancellationToken cancellationToken) =>
        await store.FindStreamAsync(group.Id, LogNames.Stream(logStreamName), cancellationToken).ConfigureAwait(false)
        ?? throw LogsErrors.StreamNotFound();
}
