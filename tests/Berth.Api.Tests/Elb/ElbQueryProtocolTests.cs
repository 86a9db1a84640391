using System.Net;
using System.Text;
using static Berth.Api.Tests.Elb.ElbClient;

namespace Berth.Api.Tests.Elb;

/// <summary>The generic query protocol edge, through ELBv2: XML envelopes, errors, and dispatch beside AWS JSON.</summary>
public sealed class ElbQueryProtocolTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    [Fact]
    public async Task Responses_are_xml_in_the_elb_namespace_with_a_result_wrapper_and_request_id()
    {
        var (status, body, contentType) = await server.NewElbClient().SendAsync("DescribeLoadBalancers");
        Assert.Equal((HttpStatusCode.OK, "text/xml"), (status, contentType));
        Assert.Equal(Ns + "DescribeLoadBalancersResponse", body.Name);
        Assert.NotNull(body.Element(Ns + "DescribeLoadBalancersResult")!.Element(Ns + "LoadBalancers"));
        Assert.Matches("^[0-9a-f-]{36}$", Text(body, "ResponseMetadata/RequestId"));
    }

    [Fact]
    public async Task Errors_are_an_error_response_with_sender_type_code_and_message()
    {
        var (status, body, _) = await server.NewElbClient().SendAsync("DeleteListener", ("ListenerArn", "arn:nope"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(Ns + "ErrorResponse", body.Name);
        Assert.Equal(("Sender", "ListenerNotFound"), (Text(body, "Error/Type"), Text(body, "Error/Code")));
        Assert.NotEmpty(Text(body, "RequestId"));
    }

    [Fact]
    public async Task Unknown_actions_are_invalid_and_unimplemented_ones_say_so()
    {
        var elb = server.NewElbClient();
        Assert.Equal("InvalidAction", (await elb.ErrorAsync("LaunchRockets")).Code);
        var unsupported = await elb.ErrorAsync("CreateTrustStore", ("Name", "x"));
        Assert.Equal("UnsupportedFeature", unsupported.Code);
        Assert.Contains("CreateTrustStore", unsupported.Message);
    }

    [Fact]
    public async Task A_request_without_a_required_member_is_a_validation_error_naming_it()
    {
        var elb = server.NewElbClient();
        var error = await elb.ErrorAsync("CreateLoadBalancer", ("Subnets.member.1", "subnet-local-a"));
        Assert.Equal(("ValidationError", "1 validation error detected: Value null at 'Name' failed to satisfy constraint: Member must not be null"),
            (error.Code, error.Message));
        Assert.Equal("ValidationError", (await elb.ErrorAsync("DeleteLoadBalancer")).Code);
    }

    [Fact]
    public async Task Malformed_numbers_are_validation_errors_naming_the_parameter()
    {
        var error = await server.NewElbClient().ErrorAsync("CreateTargetGroup", ("Name", "x"), ("Port", "eighty"));
        Assert.Equal("ValidationError", error.Code);
        Assert.Contains("Port", error.Message);
    }

    [Fact]
    public async Task Requests_with_x_amz_target_still_reach_the_json_api()
    {
        var response = await server.NewClient().SendAsync("ListClusters", new { });
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Without_a_version_the_service_is_found_by_the_credential_scope()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent("Action=DescribeTargetGroups", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=abc");
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("DescribeTargetGroupsResponse", await response.Content.ReadAsStringAsync());
    }
}
