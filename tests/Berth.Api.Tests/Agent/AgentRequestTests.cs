using System.Text;
using System.Text.Json;
using Berth.Api.Agent;
using Berth.Core.Agent;
using Berth.Core.State;
using Microsoft.AspNetCore.Http;

namespace Berth.Api.Tests.Agent;

/// <summary>
/// An agent request's body, read whole and deserialized in one pass (<see cref="AgentRequest"/>): the same records and
/// the same 400 answers, message for message, as the resumable read over the stream it replaced.
/// </summary>
public sealed class AgentRequestTests
{
    private const string InstanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/body/0123456789abcdef";

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("""{"reports":[{"containerInstanceArn":5}]}""")]
    [InlineData("""{"reports":[]} trailing""")]
    [InlineData("[]")]
    public async Task A_body_that_is_not_a_batch_is_answered_400_with_the_message_the_stream_reader_gave(string body)
    {
        var expected = await Assert.ThrowsAsync<JsonException>(async () =>
            await JsonSerializer.DeserializeAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), StateJsonContext.Default.AgentTaskReportBatch));
        var http = Request(body, declareLength: true);

        var batch = await AgentRequest.ReadAsync(http, StateJsonContext.Default.AgentTaskReportBatch);

        Assert.Null(batch);
        Assert.Equal(400, http.Response.StatusCode);
        Assert.Equal(("SerializationException", expected.Message), Error(http));
    }

    [Fact]
    public async Task A_body_of_json_null_is_answered_400_as_an_empty_body()
    {
        var http = Request("null", declareLength: true);

        Assert.Null(await AgentRequest.ReadAsync(http, StateJsonContext.Default.AgentPollRequest));
        Assert.Equal(("SerializationException", "empty body"), Error(http));
    }

    // A full batch is larger than the first buffer, and a chunked body declares no length: the buffer grows as it is read.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_full_batch_is_read_whole_with_or_without_a_declared_length(bool declareLength)
    {
        var reports = Enumerable.Range(0, AgentTaskReportBatch.MaxReports)
            .Select(i => new AgentTaskReport { ContainerInstanceArn = InstanceArn, TaskArn = $"arn:aws:ecs:us-east-1:000000000000:task/body/{i:D32}", LastStatus = "RUNNING", Containers = [] })
            .ToList();
        var body = JsonSerializer.Serialize(new AgentTaskReportBatch { Reports = reports }, StateJsonContext.Default.AgentTaskReportBatch);
        Assert.True(body.Length > 3 * 4096);

        var batch = await AgentRequest.ReadAsync(Request(body, declareLength), StateJsonContext.Default.AgentTaskReportBatch);

        Assert.Equal(reports.Select(r => r.TaskArn), batch!.Reports.Select(r => r.TaskArn));
    }

    private static DefaultHttpContext Request(string body, bool declareLength)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(bytes);
        http.Request.ContentLength = declareLength ? bytes.Length : null;
        http.Response.Body = new MemoryStream();
        return http;
    }

    private static (string? Type, string? Message) Error(DefaultHttpContext http)
    {
        using var error = JsonDocument.Parse(((MemoryStream)http.Response.Body).ToArray());
        return (error.RootElement.GetProperty("__type").GetString(), error.RootElement.GetProperty("message").GetString());
    }
}
