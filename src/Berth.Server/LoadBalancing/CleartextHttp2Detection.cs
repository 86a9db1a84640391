using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Lets one cleartext port serve HTTP/1.1 and HTTP/2 with prior knowledge (h2c). Kestrel picks HTTP/1.1
/// on a non-TLS endpoint that allows both, because without TLS there is no ALPN to say which; this
/// connection middleware reads the first bytes, and when they are the HTTP/2 connection preface it
/// tells Kestrel "h2" the way ALPN would. The bytes stay unread for Kestrel's own parser.
/// </summary>
internal static class CleartextHttp2Detection
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        if (await StartsWithPrefaceAsync(connection).ConfigureAwait(false))
        {
            var alpn = new NegotiatedHttp2();
            connection.Features.Set<ITlsApplicationProtocolFeature>(alpn);
            connection.Features.Set<ITlsConnectionFeature>(alpn);
        }
        await next(connection).ConfigureAwait(false);
    };

    private static async Task<bool> StartsWithPrefaceAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
            var buffer = result.Buffer;
            var length = (int)Math.Min(buffer.Length, Preface.Length);
            var matches = buffer.Slice(0, length).ToArray().AsSpan().SequenceEqual(Preface.AsSpan(0, length));
            if (!matches || length == Preface.Length || result.IsCompleted)
            {
                // Consume nothing and mark nothing examined, so Kestrel's first read sees these bytes at once.
                input.AdvanceTo(buffer.Start);
                return matches && length == Preface.Length;
            }
            // A prefix of the preface so far: wait for more bytes before deciding.
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Kestrel chooses HTTP/2 when a connection reports TLS with "h2" negotiated; nothing else of TLS is claimed.</summary>
    private sealed class NegotiatedHttp2 : ITlsApplicationProtocolFeature, ITlsConnectionFeature
    {
        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();

        public X509Certificate2? ClientCertificate { get; set; }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
