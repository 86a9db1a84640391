namespace Berth.Api.Services;

/// <summary>
/// Wakes the service scheduler in this process when something it reacts to changed (a service was created or
/// updated, a task changed status), so a replacement starts at once instead of on the next periodic round.
/// </summary>
public sealed class ServiceSignal
{
    private TaskCompletionSource _next = NewWaiter();

    /// <summary>
    /// Completes at the next <see cref="Notify"/>. The scheduler takes it before a round, so a change made while
    /// the round runs still wakes the following one.
    /// </summary>
    public Task Changed => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, NewWaiter()).TrySetResult();

    private static TaskCompletionSource NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
