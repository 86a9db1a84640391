using System.Net;
using System.Xml.Linq;

namespace Berth.Api.Tests.Elb;

/// <summary>
/// Sends ELBv2 actions as botocore does: form-encoded <c>POST /</c> with Action and Version, and a SigV4
/// Authorization header whose credential scope names the region and the elasticloadbalancing service.
/// </summary>
public sealed class ElbClient(HttpClient http, string region)
{
    public static readonly XNamespace Ns = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

    public string Region => region;

    public async Task<(HttpStatusCode Status, XElement Body, string? ContentType)> SendAsync(string action, params (string Name, string Value)[] parameters)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", "2015-12-01") };
        form.AddRange(parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=AKID/20260101/{region}/elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=abc");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, XElement.Parse(text), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Calls an action that must succeed and returns its <c>{Action}Result</c> element.</summary>
    public async Task<XElement> OkAsync(string action, params (string, string)[] parameters)
    {
        var (status, body, _) = await SendAsync(action, parameters);
        Assert.True(status == HttpStatusCode.OK, $"{action} failed with {status}: {body}");
        Assert.Equal(Ns + $"{action}Response", body.Name);
        return body.Element(Ns + $"{action}Result") ?? new XElement(Ns + $"{action}Result");
    }

    /// <summary>Calls an action that must fail and returns the error code.</summary>
    public async Task<(HttpStatusCode Status, string Code, string Message)> ErrorAsync(string action, params (string, string)[] parameters)
    {
        var (status, body, _) = await SendAsync(action, parameters);
        Assert.Equal(Ns + "ErrorResponse", body.Name);
        var error = body.Element(Ns + "Error")!;
        return (status, error.Element(Ns + "Code")!.Value, error.Element(Ns + "Message")!.Value);
    }

    public static string Text(XElement element, string path) =>
        path.Split('/').Aggregate(element, (e, name) => e.Element(Ns + name) ?? throw new InvalidOperationException($"No {name} in {e}")).Value;

    public async Task<string> CreateLoadBalancerAsync(string name) =>
        Text(await OkAsync("CreateLoadBalancer", ("Name", name), ("Subnets.member.1", "subnet-local-a")), "LoadBalancers/member/LoadBalancerArn");

    public async Task<string> CreateTargetGroupAsync(string name, params (string, string)[] settings) =>
        Text(await OkAsync("CreateTargetGroup", [("Name", name), ("Protocol", "HTTP"), ("Port", "80"), ("TargetType", "ip"), .. settings]),
            "TargetGroups/member/TargetGroupArn");

    public async Task<string> CreateListenerAsync(string loadBalancerArn, int port, string targetGroupArn) =>
        Text(await OkAsync("CreateListener", ("LoadBalancerArn", loadBalancerArn), ("Protocol", "HTTP"), ("Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("DefaultActions.member.1.Type", "forward"), ("DefaultActions.member.1.TargetGroupArn", targetGroupArn)), "Listeners/member/ListenerArn");

    public Task<XElement> RegisterAsync(string targetGroupArn, params int[] ports) =>
        OkAsync("RegisterTargets", [("TargetGroupArn", targetGroupArn), .. Targets(ports)]);

    public Task<XElement> DeregisterAsync(string targetGroupArn, params int[] ports) =>
        OkAsync("DeregisterTargets", [("TargetGroupArn", targetGroupArn), .. Targets(ports)]);

    /// <summary>Port → (state, reason) of every target DescribeTargetHealth lists.</summary>
    public async Task<Dictionary<int, (string State, string? Reason)>> HealthAsync(string targetGroupArn, params int[] ports)
    {
        var result = await OkAsync("DescribeTargetHealth", [("TargetGroupArn", targetGroupArn), .. Targets(ports)]);
        return result.Element(Ns + "TargetHealthDescriptions")!.Elements(Ns + "member").ToDictionary(
            m => int.Parse(Text(m, "Target/Port"), System.Globalization.CultureInfo.InvariantCulture),
            m => (Text(m, "TargetHealth/State"), m.Element(Ns + "TargetHealth")!.Element(Ns + "Reason")?.Value));
    }

    private static IEnumerable<(string, string)> Targets(int[] ports) => ports.SelectMany((port, i) => new[]
    {
        ($"Targets.member.{i + 1}.Id", "127.0.0.1"),
        ($"Targets.member.{i + 1}.Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    });
}
