using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Berth.Core.Cleanup;

namespace Berth.Cli;

/// <summary>
/// <c>berth cleanup [--idle-days N] [--retention-days N] [--apply]</c>: the server's clean-up report
/// (<c>GET /_berth/cleanup</c>) as a table, with what <c>--apply</c> would do; with <c>--apply</c>
/// (<c>POST /_berth/cleanup</c>) it does it and says what became of each leftover.
/// </summary>
internal static class CleanupCommands
{
    public static Command Cleanup()
    {
        var client = new ClientFlags();
        var idleDays = new Option<int?>("--idle-days")
        {
            Description = $"Days a service must have been at desired count 0 to count as left over (default {CleanupPolicy.DefaultIdleDays})",
        };
        var retentionDays = new Option<int?>("--retention-days")
        {
            Description = $"The retention --apply gives log groups that have none (default {CleanupPolicy.DefaultRetentionDays})",
        };
        var apply = new Option<bool>("--apply") { Description = "Remove what the report lists (each row says what that does)" };
        var command = new Command("cleanup", "What is left over (idle services, INACTIVE revisions, empty load balancers, log groups without retention, …), and --apply to remove it.");
        client.AddTo(command);
        command.Options.Add(idleDays);
        command.Options.Add(retentionDays);
        command.Options.Add(apply);
        command.SetAction((result, cancellationToken) => client.RunAsync("cleanup", result, async http =>
        {
            var request = new CleanupRequest(result.GetValue(idleDays), result.GetValue(retentionDays));
            using var response = result.GetValue(apply)
                ? await http.PostAsync(new Uri(Route, UriKind.Relative), JsonContent.Create(request, CleanupJsonContext.Default.CleanupRequest), cancellationToken).ConfigureAwait(false)
                : await http.GetAsync(new Uri(Route + Query(request), UriKind.Relative), cancellationToken).ConfigureAwait(false);
            await ServerClient.EnsureAcceptedAsync(response, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var report = JsonSerializer.Deserialize(body, CleanupJsonContext.Default.CleanupReport)!;
            foreach (var line in Lines(report))
            {
                Console.WriteLine(line);
            }
            return report.Applied?.Any(a => a.Error is not null) == true ? 1 : 0;
        }));
        return command;
    }

    private const string Route = "/_berth/cleanup";

    /// <summary>
    /// The leftovers' table (kind, resource, size, reason), then, for each kind, what <c>--apply</c> does to it, and,
    /// once applied, each action's outcome.
    /// </summary>
    internal static IEnumerable<string> Lines(CleanupReport report)
    {
        if (report.Leftovers.Count == 0)
        {
            yield return "Nothing left over.";
            yield break;
        }
        var rows = report.Leftovers.Select(l => new[] { l.Kind, l.Resource, l.Bytes is { } bytes ? Size(bytes) : "-", l.Reason }).ToList();
        foreach (var line in TextTable.Lines(["KIND", "RESOURCE", "SIZE", "REASON"], rows, rightAligned: i => i == 2))
        {
            yield return line;
        }
        yield return "";
        yield return report.Applied is null ? "berth cleanup --apply would:" : "Applied:";
        foreach (var kind in report.Leftovers.GroupBy(l => l.Kind))
        {
            var actions = kind.Select(l => l.Action ?? "nothing (see the reason)").Distinct();
            yield return $"  {kind.Key}: {string.Join("; ", actions)}";
        }
        foreach (var outcome in report.Applied ?? [])
        {
            yield return outcome.Error is null ? $"  done    {outcome.Kind} {outcome.Resource}" : $"  FAILED  {outcome.Kind} {outcome.Resource}: {outcome.Error}";
        }
    }

    private static string Query(CleanupRequest request)
    {
        var parameters = new[] { ("idleDays", request.IdleDays), ("retentionDays", request.RetentionDays) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={p.Item2!.Value.ToString(CultureInfo.InvariantCulture)}").ToList();
        return parameters.Count == 0 ? "" : "?" + string.Join("&", parameters);
    }

    /// <summary>Bytes in the largest unit (1024-based, as CloudWatch Logs' storedBytes are usually read) that keeps the number at least 1.</summary>
    internal static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : $"{value.ToString("0.0", CultureInfo.InvariantCulture)} {units[unit]}";
    }
}
