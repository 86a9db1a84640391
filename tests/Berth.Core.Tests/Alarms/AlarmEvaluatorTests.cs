using Berth.Core.Alarms;

namespace Berth.Core.Tests.Alarms;

public class AlarmEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 7, 18, 0, TimeSpan.Zero);

    private static AlarmCriteria Criteria(int n = 3, int m = 3, string treatment = AlarmTreatments.Missing, string op = "GreaterThanThreshold") =>
        new(op, 50, n, m, treatment);

    /// <summary>One period a minute from <see cref="T0"/>, oldest first; null is a period without data.</summary>
    private static IReadOnlyList<AlarmDatapoint> Periods(params double?[] values) =>
        values.Select((v, i) => new AlarmDatapoint(T0.AddMinutes(i), v)).ToList();

    [Fact]
    public void Three_breaching_datapoints_of_three_raise_the_alarm_with_cloudwatchs_reason()
    {
        var outcome = AlarmEvaluator.Evaluate(Criteria(), Periods(55.2, 60, 58.5), AlarmStates.Ok);

        Assert.Equal(new AlarmOutcome(AlarmStates.Alarm,
            "Threshold Crossed: 3 out of the last 3 datapoints [58.5 (05/12/26 07:20:00), 60.0 (05/12/26 07:19:00), 55.2 (05/12/26 07:18:00)] " +
            "were greater than the threshold (50.0) (minimum 3 datapoints for OK -> ALARM transition)."), outcome);
    }

    [Fact]
    public void One_datapoint_below_the_threshold_of_three_needed_is_ok()
    {
        var outcome = AlarmEvaluator.Evaluate(Criteria(), Periods(55, 40, 58), AlarmStates.Alarm);

        Assert.Equal(new AlarmOutcome(AlarmStates.Ok,
            "Threshold Crossed: 1 out of the last 3 datapoints [40.0 (05/12/26 07:19:00)] was not greater than the threshold (50.0) " +
            "(minimum 1 datapoint for ALARM -> OK transition)."), outcome);
    }

    [Fact]
    public void A_single_period_alarm_uses_the_short_wording()
    {
        var outcome = AlarmEvaluator.Evaluate(Criteria(1, 1, op: "GreaterThanOrEqualToThreshold"), Periods(50), AlarmStates.InsufficientData);

        Assert.Equal(new AlarmOutcome(AlarmStates.Alarm,
            "Threshold Crossed: 1 datapoint [50.0 (05/12/26 07:18:00)] was greater than or equal to the threshold (50.0)."), outcome);
    }

    [Theory]
    [InlineData("GreaterThanOrEqualToThreshold", 50, true)]
    [InlineData("GreaterThanThreshold", 50, false)]
    [InlineData("LessThanThreshold", 49.9, true)]
    [InlineData("LessThanThreshold", 50, false)]
    [InlineData("LessThanOrEqualToThreshold", 50, true)]
    public void Each_operator_compares_as_its_name_says(string op, double value, bool breaches) =>
        Assert.Equal(breaches, AlarmEvaluator.Breaches(Criteria(op: op), value));

    [Fact]
    public void M_out_of_n_alarms_on_m_breaching_datapoints_anywhere_in_the_range()
    {
        var criteria = Criteria(5, 2);

        Assert.Equal(AlarmStates.Alarm, AlarmEvaluator.Evaluate(criteria, Periods(60, 10, 10, 70, 10), AlarmStates.Ok)!.State);
        // One breaching datapoint of the two needed, and four within the threshold: ALARM is out of reach.
        Assert.Equal(AlarmStates.Ok, AlarmEvaluator.Evaluate(criteria, Periods(60, 10, 10, 10, 10), AlarmStates.Alarm)!.State);
    }

    [Fact]
    public void Missing_data_treated_as_missing_goes_to_insufficient_data_only_when_every_period_is_missing()
    {
        Assert.Equal(new AlarmOutcome(AlarmStates.InsufficientData, "Insufficient Data: 3 datapoints were unknown."),
            AlarmEvaluator.Evaluate(Criteria(), Periods(null, null, null), AlarmStates.Alarm));
        // Two breaching datapoints and a gap: neither three breaching nor one within the threshold, so the state holds.
        Assert.Null(AlarmEvaluator.Evaluate(Criteria(), Periods(60, null, 70), AlarmStates.Ok));
        Assert.Equal(AlarmStates.Ok, AlarmEvaluator.Evaluate(Criteria(), Periods(null, 10, null), AlarmStates.Alarm)!.State);
    }

    [Fact]
    public void Ignore_keeps_the_state_when_no_period_has_data()
    {
        Assert.Null(AlarmEvaluator.Evaluate(Criteria(treatment: AlarmTreatments.Ignore), Periods(null, null, null), AlarmStates.Alarm));
        Assert.Equal(AlarmStates.Alarm, AlarmEvaluator.Evaluate(Criteria(1, 1, AlarmTreatments.Ignore), Periods(99), AlarmStates.Ok)!.State);
    }

    [Fact]
    public void Breaching_and_not_breaching_count_missing_periods_as_their_names_say()
    {
        Assert.Equal(AlarmStates.Alarm, AlarmEvaluator.Evaluate(Criteria(treatment: AlarmTreatments.Breaching), Periods(60, null, null), AlarmStates.Ok)!.State);
        Assert.Equal(AlarmStates.Ok, AlarmEvaluator.Evaluate(Criteria(treatment: AlarmTreatments.NotBreaching), Periods(60, null, 70), AlarmStates.Alarm)!.State);
        Assert.Equal(AlarmStates.Ok, AlarmEvaluator.Evaluate(Criteria(treatment: AlarmTreatments.NotBreaching), Periods(null, null, null), AlarmStates.InsufficientData)!.State);
    }

    [Fact]
    public void Target_tracking_low_alarm_needs_all_fifteen_datapoints_below()
    {
        var criteria = new AlarmCriteria("LessThanThreshold", 45, 15, 15, AlarmTreatments.Missing);
        var fourteenLow = Enumerable.Repeat<double?>(10, 14).Prepend(60).ToArray();

        Assert.Equal(AlarmStates.Ok, AlarmEvaluator.Evaluate(criteria, Periods(fourteenLow), AlarmStates.InsufficientData)!.State);
        Assert.Equal(AlarmStates.Alarm, AlarmEvaluator.Evaluate(criteria, Periods(Enumerable.Repeat<double?>(10, 15).ToArray()), AlarmStates.Ok)!.State);
    }

    [Theory]
    [InlineData(50, "50.0")]
    [InlineData(55.25, "55.25")]
    [InlineData(-3, "-3.0")]
    [InlineData(12345678, "1.2345678E7")]
    public void Numbers_print_as_cloudwatch_prints_them(double value, string text) => Assert.Equal(text, AlarmEvaluator.FormatNumber(value));
}
