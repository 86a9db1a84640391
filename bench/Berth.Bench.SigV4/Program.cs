using System.Globalization;
using System.Text;
using System.Text.Json;
using Berth.Core.Identity.Signing;

// What verifying one signed request costs, phase by phase, in the thread's CPU time: the request is
// bench/auth_overhead.py's (ECS DescribeClusters as botocore signs it, with the headers http.client adds), and
// each phase runs alone in a loop. The JSON parse is the authorization step's (RequestContexts.AuthorizeAsync).
// Usage: dotnet run -c Release --project bench/Berth.Bench.SigV4 [-- --iterations 200000]

var iterations = args.Length == 2 && args[0] == "--iterations" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
var now = DateTimeOffset.UtcNow;
var credential = new SigningCredential("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
var body = Encoding.UTF8.GetBytes("""{"clusters": ["default"]}""");
var unsigned = new SigV4Request("POST", "/", "",
[
    new("Host", "127.0.0.1:4566"),
    new("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeClusters"),
    new("Content-Type", "application/x-amz-json-1.1"),
], SigV4Request.HashPayload(body));
var added = SigV4Signer.Sign(unsigned, "AKIAIOSFODNN7EXAMPLE", credential, "us-east-1", "ecs", now);
var request = unsigned with
{
    Headers = [.. unsigned.Headers, .. added, new("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture)), new("Accept-Encoding", "identity")],
};
if (!SigV4Verifier.TryInspect(request, now, "ecs", out var signed, out var failure) || !SigV4Verifier.Verify(signed, credential, now).IsAccepted)
{
    throw new InvalidOperationException($"The bench's own request does not verify: {failure?.Message}");
}

Console.WriteLine($".NET {Environment.Version}, {iterations:N0} iterations per phase, load average {LoadAverage()}");
Console.WriteLine($"{"phase",-40} | {"CPU us/op",9} | {"bytes/op",8}");
Console.WriteLine(new string('-', 64));
Time("SHA-256 of the body", () => SigV4Request.HashPayload(body));
Time("TryInspect (parse, scope, clock)", () => SigV4Verifier.TryInspect(request, now, "ecs", out _, out _));
Time("Verify (canonical request, HMAC chain)", () => SigV4Verifier.Verify(signed, credential, now));
Time("both", () => SigV4Verifier.TryInspect(request, now, "ecs", out var s, out _) && SigV4Verifier.Verify(s, credential, now).IsAccepted);
Time("JSON parse for authorization", () =>
{
    using var document = JsonDocument.Parse(body.AsMemory());
    return document.RootElement.ValueKind;
});
Console.WriteLine($"load average at the end: {LoadAverage()}");

void Time<T>(string phase, Func<T> operation)
{
    for (var i = 0; i < iterations / 10; i++)
    {
        operation();
    }
    var bytes = GC.GetAllocatedBytesForCurrentThread();
    var started = ThreadClock.Now();
    for (var i = 0; i < iterations; i++)
    {
        operation();
    }
    var cpu = ThreadClock.Now() - started;
    bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{phase,-40} | {cpu.TotalMicroseconds / iterations,9:N2} | {bytes / iterations,8:N0}"));
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
