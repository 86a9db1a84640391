using System.Net;
using System.Text;

namespace Berth.Api.Tests.Protocol;

public class AwsJsonEndpointTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private const int MiB = 1024 * 1024;

    private readonly EcsClient _ecs = server.NewClient();

    private Task<EcsResponse> SendAsync(string? target, string body) => _ecs.SendRawAsync(target, Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task Responses_are_aws_json_with_a_request_id()
    {
        var ok = await _ecs.SendAsync("ListClusters", new { });
        var error = await _ecs.SendAsync("Frobnicate", new { });

        Assert.Equal((HttpStatusCode.OK, "application/x-amz-json-1.1"), (ok.Status, ok.ContentType));
        Assert.Equal("application/x-amz-json-1.1", error.ContentType);
        Assert.True(Guid.TryParse(ok.RequestId, out _), $"x-amzn-RequestId '{ok.RequestId}' is not a GUID");
        Assert.True(Guid.TryParse(error.RequestId, out _), $"x-amzn-RequestId '{error.RequestId}' is not a GUID");
        Assert.NotEqual(ok.RequestId, error.RequestId);
    }

    [Fact]
    public async Task An_unknown_operation_is_an_unknown_operation_exception()
    {
        var response = await _ecs.SendAsync("Frobnicate", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        JsonAssert.Equal("""
            {
              "__type": "UnknownOperationException",
              "message": "Operation 'AmazonEC2ContainerServiceV20141113.Frobnicate' is not known to this service."
            }
            """, response.Body);
    }

    [Fact]
    public async Task An_operation_of_another_service_is_unknown()
    {
        var response = await SendAsync("DynamoDB_20120810.ListTables", "{}");

        Assert.Equal((HttpStatusCode.BadRequest, "UnknownOperationException"), (response.Status, response.Error.Type));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ListClusters")]
    public async Task A_request_without_a_target_is_a_missing_action(string? target)
    {
        var response = await SendAsync(target, "{}");

        Assert.Equal((HttpStatusCode.BadRequest, "MissingAction"), (response.Status, response.Error.Type));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{ "clusterName": 5 }""")]
    [InlineData("""{ "clusterName": "web", }""")]
    public async Task A_body_that_is_not_the_request_shape_is_a_serialization_exception(string body)
    {
        var response = await SendAsync($"{EcsClient.TargetPrefix}.CreateCluster", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("SerializationException", response.Error.Type);
        Assert.StartsWith("Could not read the request body: ", response.Error.Message, StringComparison.Ordinal);
    }

    // Seen by the API fuzzer: each of these reached its handler with a null element and was answered 500.
    [Theory]
    [InlineData("AmazonEC2ContainerServiceV20141113.PutAttributes", """{ "cluster": "c", "attributes": [null] }""")]
    [InlineData("AmazonEC2ContainerServiceV20141113.PutClusterCapacityProviders", """{ "cluster": "c", "capacityProviders": [], "defaultCapacityProviderStrategy": [null] }""")]
    [InlineData("GraniteServiceVersion20100801.PutMetricData", """{ "Namespace": "n", "MetricData": [{ "MetricName": "m", "Dimensions": [{ "Name": "d", "Value": "v" }, null] }] }""")]
    public async Task A_null_list_item_is_a_serialization_exception(string target, string body)
    {
        var response = await SendAsync(target, body);

        Assert.Equal((HttpStatusCode.BadRequest, "SerializationException"), (response.Status, response.Error.Type));
        Assert.Contains("A list item is null", response.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_body_means_no_parameters()
    {
        var response = await SendAsync($"{EcsClient.TargetPrefix}.ListClusters", "");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        JsonAssert.Equal("""{ "clusterArns": [] }""", response.Body);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_one_mebibyte_is_refused_as_too_large(bool chunked)
    {
        var body = Encoding.UTF8.GetBytes($$"""{ "clusterName": "{{new string('a', MiB)}}" }""");

        var response = await _ecs.SendRawAsync($"{EcsClient.TargetPrefix}.CreateCluster", body, chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal(("RequestEntityTooLargeException", $"Request body exceeds the limit of {MiB} bytes."), response.Error);
    }

    [Fact]
    public async Task A_body_of_exactly_one_mebibyte_is_read()
    {
        var prefix = """{ "clusterName": "web", "padding": " """;
        var body = Encoding.UTF8.GetBytes(prefix + new string(' ', MiB - prefix.Length - 2) + "\"}");
        Assert.Equal(MiB, body.Length);

        var response = await _ecs.SendRawAsync($"{EcsClient.TargetPrefix}.CreateCluster", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }
}
