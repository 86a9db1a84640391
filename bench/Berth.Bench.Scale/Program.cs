// Scale harness (issue 21): hollow agents for thousands of container instances against a running Berth server,
// then tasks placed through RunTask (count 10 per call) and services, measuring end-to-end placements per second
// (RunTask or CreateService accepted → the task's RUNNING report acknowledged by the server, through the store),
// API p50/p99 under that load, and the server's RSS per 1,000 tasks. Usage, against a server you started:
//   berth server --port 4700 --data-dir /tmp/scale-sqlite            (or --store postgres://…)
//   dotnet run -c Release --project bench/Berth.Bench.Scale -- --endpoint http://127.0.0.1:4700 \
//       --server-pid <pid> --instances 2000 --tasks 20000 [--warmup-instances 2000 --warmup-tasks 20000]
using System.Globalization;
using Berth.Bench.Scale;

var options = Options.Parse(args);
using var client = new EcsClient(new Uri(options.Endpoint));
if (options.WarmupInstances > 0)
{
    // The same run first, unmeasured and in this process, so the measured run meets a server and a fleet whose code the
    // JIT has already compiled and optimised: a fresh harness spent 40 % of its CPU in the JIT (perf, docs/performance.md,
    // "2026-12-07 14:20"), which 2,000 real agents on machines of their own would not take from the server's cores.
    await new ScaleRun(client, options.ServerPid, "warm-up: ").RunAsync(options.WarmupInstances, options.WarmupTasks, options.Services, options.Timeout);
}
await new ScaleRun(client, options.ServerPid, "").RunAsync(options.Instances, options.Tasks, options.Services, options.Timeout);

namespace Berth.Bench.Scale
{
    internal sealed record Options(
        string Endpoint, int ServerPid, int Instances, int Tasks, int Services, TimeSpan Timeout, int WarmupInstances, int WarmupTasks)
    {
        public static Options Parse(string[] args)
        {
            string Value(string name, string fallback)
            {
                var at = Array.IndexOf(args, name);
                return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
            }
            int Number(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
            return new Options(
                Value("--endpoint", "http://127.0.0.1:4566"),
                Number("--server-pid", 0),
                Number("--instances", 2000),
                Number("--tasks", 20_000),
                Number("--services", 10),
                TimeSpan.FromMinutes(Number("--timeout-minutes", 20)),
                Number("--warmup-instances", 0),
                Number("--warmup-tasks", 0));
        }
    }
}
