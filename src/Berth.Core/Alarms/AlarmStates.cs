namespace Berth.Core.Alarms;

/// <summary>A metric alarm's states (the model's StateValue).</summary>
public static class AlarmStates
{
    public const string Ok = "OK";
    public const string Alarm = "ALARM";
    public const string InsufficientData = "INSUFFICIENT_DATA";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Ok, Alarm, InsufficientData };
}

/// <summary>TreatMissingData's values (free text in the model; CloudWatch accepts these four).</summary>
public static class AlarmTreatments
{
    public const string Breaching = "breaching";
    public const string NotBreaching = "notBreaching";
    public const string Ignore = "ignore";
    public const string Missing = "missing";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Breaching, NotBreaching, Ignore, Missing };
}
