using Berth.Server.LoadBalancing;

namespace Berth.Api.Tests.Elb;

/// <summary>An access log entry written as an Application Load Balancer writes it, field for field.</summary>
public sealed class AccessLogEntryTests
{
    private static readonly AccessLogEntry Forwarded = new()
    {
        Type = "http",
        Time = DateTimeOffset.Parse("2018-07-02T22:23:00.186641Z", System.Globalization.CultureInfo.InvariantCulture),
        LoadBalancerArn = "arn:aws:elasticloadbalancing:us-east-2:123456789012:loadbalancer/app/my-loadbalancer/50dc6c495c0c9188",
        Client = "192.168.131.39:2817",
        Target = "10.0.0.1:80",
        RequestProcessingTime = 0,
        TargetProcessingTime = 0.001,
        ResponseProcessingTime = 0.0004,
        ElbStatusCode = 200,
        TargetStatusCode = 200,
        ReceivedBytes = 34,
        SentBytes = 366,
        Request = "GET http://www.example.com:80/ HTTP/1.1",
        UserAgent = "curl/7.46.0",
        TargetGroupArn = "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067",
        TraceId = "Root=1-58337262-36d228ad5d99923122bbe354",
        MatchedRulePriority = 0,
        RequestCreationTime = DateTimeOffset.Parse("2018-07-02T22:22:48.364Z", System.Globalization.CultureInfo.InvariantCulture),
        ConnectionTraceId = "TID_dc57cebed65b444ebc8177bb698fe166",
    };

    [Fact]
    public void A_forwarded_request_is_written_in_ALB_access_log_syntax()
    {
        // AWS's documented example of an HTTP entry, with the fields added since (target lists, classification, conn_trace_id).
        Assert.Equal(
            "http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
            + "\"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - "
            + "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "
            + "\"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\" "
            + "\"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_dc57cebed65b444ebc8177bb698fe166",
            Forwarded.ToLine());
    }

    [Fact]
    public void A_request_no_target_took_has_dashes_and_minus_one_times()
    {
        var line = (Forwarded with
        {
            Target = null,
            RequestProcessingTime = -1,
            TargetProcessingTime = -1,
            ResponseProcessingTime = -1,
            ElbStatusCode = 503,
            TargetStatusCode = null,
            TraceId = null,
            UserAgent = null,
        }).ToLine();

        Assert.StartsWith("http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 - -1 -1 -1 503 - 34 366 ", line);
        Assert.Contains(" \"-\" - - arn:", line);
        Assert.EndsWith(" \"forward\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" TID_dc57cebed65b444ebc8177bb698fe166", line);
    }

    [Fact]
    public void Quotes_and_backslashes_inside_a_quoted_field_are_escaped()
    {
        var line = (Forwarded with { UserAgent = "say \"hi\" \\o/" }).ToLine();

        Assert.Contains(" \"say \\\"hi\\\" \\\\o/\" - - ", line);
    }
}
