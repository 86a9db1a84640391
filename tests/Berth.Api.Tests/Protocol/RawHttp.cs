using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Berth.Api.Tests.Protocol;

/// <summary>
/// HTTP/1.1 over a bare socket, for requests no HttpClient sends: a Content-Length larger than the body that
/// follows. Reads the answer until the server closes the connection.
/// </summary>
public static class RawHttp
{
    public sealed record Answer(HttpStatusCode Status, string Head, byte[] Body);

    public static async Task<Answer> SendAsync(Uri server, string path, IEnumerable<string> headers, byte[] body, long contentLength)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Length: {contentLength}\r\n"
            + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray());
        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await stream.CopyToAsync(received, timeout.Token);
        var answer = received.ToArray();
        var end = answer.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, $"no HTTP answer: '{Encoding.UTF8.GetString(answer)}'");
        var responseHead = Encoding.ASCII.GetString(answer, 0, end);
        var status = (HttpStatusCode)int.Parse(responseHead.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return new Answer(status, responseHead, answer[(end + 4)..]);
    }
}
