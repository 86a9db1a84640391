using System.Globalization;
using Berth.Api.Protocol;
using Berth.Control.Cost;
using Berth.Core.Cost;
using Berth.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.CostExplorer;

/// <summary>
/// <c>POST /_berth/cost/v1/report</c> (operator API, used by <c>berth cost</c>): the server account's <see cref="CostReport"/>
/// for a period (default: this month so far). Cost Explorer cannot carry it: AWS bills EC2 tasks as instances, so
/// their Fargate equivalent, and the per-cluster view, are Berth's own.
/// </summary>
internal sealed class CostReportHandler(UsageLedger ledger, FargatePriceTable prices, ApiOptions options, TimeProvider time)
{
    public const string Route = "/_berth/cost/v1/report";

    public async Task<CostReport> ReportAsync(HttpContext http, ReadOnlyMemory<byte> body, CostReportRequest request, string requestId)
    {
        var now = time.GetUtcNow();
        var start = Date(request.Start, "start") ?? new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var end = Date(request.End, "end") ?? new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        var usages = await ledger.ReadAsync(options.AccountId, http.RequestAborted).ConfigureAwait(false);
        return CostReport.Build(usages, prices, now, start, end, request.By);
    }

    private static DateTimeOffset? Date(string? value, string name) => value switch
    {
        null or "" => null,
        _ when DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date) =>
            new DateTimeOffset(date, TimeSpan.Zero),
        _ => throw new ValidationException($"{name} '{value}' is not a date of the form yyyy-MM-dd."),
    };
}
