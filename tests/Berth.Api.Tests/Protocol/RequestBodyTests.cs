using System.Net;
using System.Text;

namespace Berth.Api.Tests.Protocol;

/// <summary>What every protocol edge answers a body that cannot be read whole.</summary>
public class RequestBodyTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private const string Signature = "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/{0}/aws4_request, SignedHeaders=host, Signature=abc";

    // One request per edge: AWS JSON, RPC v2 CBOR, ELBv2's query layer and CloudWatch's.
    private static readonly (string Path, string[] Headers, string Body, string Error)[] Edges =
    [
        ("/", ["Content-Type: application/x-amz-json-1.1", "X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters"], "{}", "\"__type\":\"SerializationException\""),
        ("/service/GraniteServiceVersion20100801/operation/ListMetrics", ["Content-Type: application/cbor", "smithy-protocol: rpc-v2-cbor"], "\u00a0", "SerializationException"),
        ("/", ["Content-Type: application/x-www-form-urlencoded", string.Format(null, Signature, "elasticloadbalancing")], "Action=DescribeLoadBalancers&Version=2015-12-01", "<Code>SerializationException</Code>"),
        ("/", ["Content-Type: application/x-www-form-urlencoded", string.Format(null, Signature, "monitoring")], "Action=ListMetrics&Version=2010-08-01", "<Code>SerializationException</Code>"),
    ];

    // Seen by the API fuzzer: when a body stops arriving, Kestrel gives up after its minimum data rate's grace period
    // (5 s) with a 408 BadHttpRequestException, which every edge answered as an internal error (500, logged as a fault).
    [Fact]
    public async Task A_body_that_stops_arriving_is_a_client_error()
    {
        // Concurrently: each waits out Kestrel's grace period.
        var answers = await Task.WhenAll(Edges.Select(e =>
        {
            var body = Encoding.Latin1.GetBytes(e.Body);
            return RawHttp.SendAsync(server.Http.BaseAddress!, e.Path, e.Headers, body, contentLength: body.Length + 17);
        }));

        foreach (var (edge, answer) in Edges.Zip(answers))
        {
            Assert.Equal((edge.Path, HttpStatusCode.RequestTimeout), (edge.Path, answer.Status));
            Assert.Contains(edge.Error, Encoding.UTF8.GetString(answer.Body), StringComparison.Ordinal);
        }
    }

    // Seen by the API fuzzer: a body over Kestrel's own limit is refused unread and the connection then closed, but
    // the 413 did not say so, and the client's next request on that connection failed.
    [Fact]
    public async Task A_body_refused_as_too_large_closes_the_connection_and_says_so()
    {
        var answer = await RawHttp.SendAsync(server.Http.BaseAddress!, "/", Edges[0].Headers, "{}"u8.ToArray(), contentLength: 9 * 1024 * 1024);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
        Assert.Contains("\r\nConnection: close", answer.Head, StringComparison.OrdinalIgnoreCase);
    }
}
