using System.Globalization;
using System.Text;
using Berth.Core.Elb;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// One request through a listener, as an Application Load Balancer's access log records it. <see cref="ToLine"/> writes
/// ALB's format, field for field, so the tools that parse ALB logs (Athena's table, CloudWatch Logs Insights queries,
/// log shippers) read Berth's too:
/// <c>type time elb client:port target:port request_processing_time target_processing_time response_processing_time
/// elb_status_code target_status_code received_bytes sent_bytes "request" "user_agent" ssl_cipher ssl_protocol
/// target_group_arn "trace_id" "domain_name" "chosen_cert_arn" matched_rule_priority request_creation_time
/// "actions_executed" "redirect_url" "error_reason" "target:port_list" "target_status_code_list" "classification"
/// "classification_reason" conn_trace_id</c>.
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
/// </summary>
internal sealed record AccessLogEntry
{
    /// <summary><c>http</c>, <c>h2</c> (Berth's listeners speak HTTP/2 in cleartext, where ALB's need TLS) or <c>ws</c>.</summary>
    public required string Type { get; init; }

    /// <summary>When the response was complete (for WebSockets, when the connection closed).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The load balancer, logged by its resource id, <c>app/{name}/{id}</c>.</summary>
    public required string LoadBalancerArn { get; init; }

    /// <summary><c>ip:port</c> of the client.</summary>
    public required string Client { get; init; }

    /// <summary><c>ip:port</c> of the target the request went to; null when none was chosen.</summary>
    public string? Target { get; init; }

    /// <summary>Seconds from receiving the request to sending it to the target; -1 when it was not dispatched.</summary>
    public double RequestProcessingTime { get; init; } = -1;

    /// <summary>Seconds from sending the request to the target's response headers; -1 without a response.</summary>
    public double TargetProcessingTime { get; init; } = -1;

    /// <summary>Seconds from the target's response headers to starting the response to the client; -1 without a response.</summary>
    public double ResponseProcessingTime { get; init; } = -1;

    public required int ElbStatusCode { get; init; }

    /// <summary>The target's status code; null when it gave none.</summary>
    public int? TargetStatusCode { get; init; }

    /// <summary>Bytes received from the client, headers included.</summary>
    public long ReceivedBytes { get; init; }

    /// <summary>Bytes sent to the client, headers included.</summary>
    public long SentBytes { get; init; }

    /// <summary>The request line: method, <c>protocol://host:port/uri</c> as the client sent the URI, and HTTP version.</summary>
    public required string Request { get; init; }

    public string? UserAgent { get; init; }

    public string? TargetGroupArn { get; init; }

    /// <summary>The <c>X-Amzn-Trace-Id</c> header of the request.</summary>
    public string? TraceId { get; init; }

    /// <summary>The matching rule's priority, 0 when the default actions applied.</summary>
    public int MatchedRulePriority { get; init; }

    /// <summary>When the load balancer received the request.</summary>
    public required DateTimeOffset RequestCreationTime { get; init; }

    public string ActionsExecuted { get; init; } = "forward";

    /// <summary><c>TID_</c> and hex digits, the same for every request of a connection.</summary>
    public required string ConnectionTraceId { get; init; }

    public string ToLine()
    {
        var target = Target ?? "-";
        var targetStatus = TargetStatusCode?.ToString(CultureInfo.InvariantCulture) ?? "-";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Type} {Timestamp(Time)} {ElbArns.ResourceIdOf(LoadBalancerArn)} {Client} {target} {Seconds(RequestProcessingTime)} {Seconds(TargetProcessingTime)} "
            + $"{Seconds(ResponseProcessingTime)} {ElbStatusCode} {targetStatus} {ReceivedBytes} {SentBytes} {Quoted(Request)} {Quoted(UserAgent)} "
            + $"- - {TargetGroupArn ?? "-"} {Quoted(TraceId)} \"-\" \"-\" {MatchedRulePriority} {Timestamp(RequestCreationTime)} "
            + $"{Quoted(ActionsExecuted)} \"-\" \"-\" {Quoted(Target)} {Quoted(TargetStatusCode is null ? null : targetStatus)} \"-\" \"-\" {ConnectionTraceId}");
    }

    /// <summary>ISO 8601 with microseconds, as ALB writes its times.</summary>
    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string Seconds(double seconds) => seconds < 0 ? "-1" : seconds.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>In double quotes, "-" when absent; a quote or backslash inside is escaped with a backslash.</summary>
    private static string Quoted(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "\"-\"";
        }
        if (value.AsSpan().IndexOfAny('"', '\\') < 0)
        {
            return "\"" + value + "\"";
        }
        var escaped = new StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.Append('"').ToString();
    }
}
