using Berth.Core.Ecs;
using Berth.Core.Services;

namespace Berth.Core.State;

/// <summary>
/// A service as stored: the wire Service (what DescribeServices shows) and the scheduler's own bookkeeping,
/// written together so one commit moves both and a conflict re-plans both.
/// </summary>
/// <param name="ClientToken">CreateService's <c>clientToken</c>: a retried create with it answers this service.</param>
public sealed record ServiceRecord(Service Service, SchedulerState Scheduler, string? ClientToken = null);
