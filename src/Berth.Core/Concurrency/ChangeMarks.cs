namespace Berth.Core.Concurrency;

/// <summary>
/// One reader's marks of what its <see cref="SubjectNotifier"/>s said changed since its last <see cref="Take"/>. It starts
/// at "everything", so a reader's first round (a controller started, or leadership gained) covers every subject. Dispose
/// it when the reader stops, so the notifiers stop marking for it.
/// </summary>
public sealed class ChangeMarks : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IReadOnlyList<SubjectNotifier> _notifiers;
    private HashSet<string> _subjects = new(StringComparer.Ordinal);
    private bool _all = true;

    public ChangeMarks(params IReadOnlyList<SubjectNotifier> notifiers)
    {
        _notifiers = notifiers;
        foreach (var notifier in notifiers)
        {
            notifier.Add(this);
        }
    }

    /// <summary>What was marked since the last take (everything, before the first), and starts afresh.</summary>
    public MarkedSubjects Take()
    {
        lock (_gate)
        {
            var taken = _all ? MarkedSubjects.All : new MarkedSubjects(false, _subjects);
            _all = false;
            _subjects = new HashSet<string>(StringComparer.Ordinal);
            return taken;
        }
    }

    public void Dispose()
    {
        foreach (var notifier in _notifiers)
        {
            notifier.Remove(this);
        }
    }

    internal void Mark(string subject)
    {
        lock (_gate)
        {
            if (!_all)
            {
                _subjects.Add(subject);
            }
        }
    }

    internal void MarkAll()
    {
        lock (_gate)
        {
            _all = true;
            _subjects.Clear();
        }
    }
}

/// <summary>What a <see cref="ChangeMarks.Take"/> found: everything, or the subjects named.</summary>
public sealed record MarkedSubjects(bool Everything, IReadOnlySet<string> Subjects)
{
    public static MarkedSubjects All { get; } = new(true, new HashSet<string>());

    public bool Includes(string subject) => Everything || Subjects.Contains(subject);
}
