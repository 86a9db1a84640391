using System.Net;
using Berth.Agent.ControlPlane;

namespace Berth.Agent.Tests.ControlPlane;

/// <summary>An agent given several servers moves on to the next when one does not answer, round the list and back.</summary>
public sealed class ServerFailoverTests
{
    private static readonly Uri A = new("http://10.0.0.1:4566");
    private static readonly Uri B = new("http://10.0.0.2:4566");
    private static readonly Uri C = new("http://10.0.0.3:4566");

    /// <summary>Answers 200 from the servers that are up; a server that is down refuses the connection.</summary>
    private sealed class Servers : HttpMessageHandler
    {
        public HashSet<string> Down { get; } = [];

        public List<string> Reached { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var authority = request.RequestUri!.Authority;
            if (Down.Contains(authority))
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");
            }
            Reached.Add($"{authority}{request.RequestUri.PathAndQuery}");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient client)
    {
        try
        {
            using var response = await client.PostAsync(new Uri("/_berth/agent/v1/poll?x=1", UriKind.Relative), null);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_server_that_does_not_answer_sends_the_next_request_to_the_next_server_and_round_to_the_first()
    {
        var servers = new Servers();
        using var failover = new ServerFailover([A, B, C]) { InnerHandler = servers };
        using var client = new HttpClient(failover) { BaseAddress = A };

        Assert.True(await AnswersAsync(client));
        servers.Down.Add(A.Authority);
        Assert.False(await AnswersAsync(client));
        Assert.True(await AnswersAsync(client));
        Assert.True(await AnswersAsync(client));
        servers.Down.Add(B.Authority);
        servers.Down.Add(C.Authority);
        servers.Down.Remove(A.Authority);
        Assert.False(await AnswersAsync(client));
        Assert.False(await AnswersAsync(client));
        Assert.True(await AnswersAsync(client));

        Assert.Equal(["10.0.0.1:4566/_berth/agent/v1/poll?x=1", "10.0.0.2:4566/_berth/agent/v1/poll?x=1", "10.0.0.2:4566/_berth/agent/v1/poll?x=1",
            "10.0.0.1:4566/_berth/agent/v1/poll?x=1"], servers.Reached);
        Assert.Equal(A, failover.Current);
    }

    [Fact]
    public async Task A_server_that_answers_with_an_error_keeps_the_agent()
    {
        using var failover = new ServerFailover([A, B]) { InnerHandler = new Errors() };
        using var client = new HttpClient(failover) { BaseAddress = A };

        using var response = await client.PostAsync(new Uri("/", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(A, failover.Current);
    }

    private sealed class Errors : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
    }
}
