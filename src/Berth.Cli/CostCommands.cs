using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Berth.Core.Cost;

namespace Berth.Cli;

/// <summary>
/// <c>berth cost [--start D] [--end D] [--by tag:KEY]</c>: the server's cost report (<c>POST /_berth/cost/v1/report</c>)
/// as a table, per cluster, service and capacity (or per tag value), with the total, the Spot savings and what the EC2
/// tasks would cost on Fargate.
/// </summary>
internal static class CostCommands
{
    public static Command Cost()
    {
        var client = new ClientFlags();
        var start = new Option<string?>("--start") { Description = "First day, yyyy-MM-dd (default: the first of this month)" };
        var end = new Option<string?>("--end") { Description = "Day after the last, yyyy-MM-dd (default: tomorrow)" };
        var by = new Option<string?>("--by") { Description = "service (default) or tag:<key>" };
        var command = new Command("cost", "Usage and Fargate cost per cluster and service (or per tag value) for a period.");
        client.AddTo(command);
        command.Options.Add(start);
        command.Options.Add(end);
        command.Options.Add(by);
        command.SetAction((result, cancellationToken) => client.RunAsync("cost", result, async http =>
        {
            var request = JsonContent.Create(new CostReportRequest(result.GetValue(start), result.GetValue(end), result.GetValue(by)), CostJsonContext.Default.CostReportRequest);
            using var response = await http.PostAsync(new Uri("/_berth/cost/v1/report", UriKind.Relative), request, cancellationToken).ConfigureAwait(false);
            await ServerClient.EnsureAcceptedAsync(response, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var report = JsonSerializer.Deserialize(body, CostJsonContext.Default.CostReport)!;
            foreach (var line in Table(report))
            {
                Console.WriteLine(line);
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The report's lines: a header, one row per group and capacity, the totals, and where the prices came from.</summary>
    internal static IEnumerable<string> Table(CostReport report)
    {
        var first = report.TagKey is null ? "CLUSTER  SERVICE" : $"TAG {report.TagKey}";
        var rows = report.Rows.Select(r => new[]
        {
            report.TagKey is null ? $"{r.Cluster}  {r.Group}" : r.Group, r.Capacity, Number(r.Tasks), Number(r.VcpuHours), Number(r.GbHours),
            Money(r.Cost), Money(r.SpotSavings), r.FargateEquivalent is { } equivalent ? Money(equivalent) : "-",
        }).ToList();
        rows.Add(["TOTAL", "", Number(report.Rows.Sum(r => r.Tasks)), Number(report.Rows.Sum(r => r.VcpuHours)), Number(report.Rows.Sum(r => r.GbHours)),
            Money(report.Rows.Sum(r => r.Cost)), Money(report.Rows.Sum(r => r.SpotSavings)), Money(report.Rows.Sum(r => r.FargateEquivalent ?? 0))]);
        string[] header = [first, "CAPACITY", "TASKS", "VCPU-HOURS", "GB-HOURS", $"COST ({report.Currency})", "SPOT SAVINGS", "ON FARGATE (EC2)"];
        yield return $"Period {report.Start:yyyy-MM-dd} to {report.End:yyyy-MM-dd} (end exclusive)";
        foreach (var line in TextTable.Lines(header, rows, rightAligned: i => i >= 2))
        {
            yield return line;
        }
        yield return $"Prices: {report.PriceSource}";
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Money(decimal value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
