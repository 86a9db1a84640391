using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;

namespace Berth.Api.Protocol;

/// <summary>
/// The SHA-256 of a request body as it arrived, before the request decompression middleware inflates it: a client
/// signs the bytes it sends (botocore gzips CloudWatch PutMetricData of 10 kB and more, then signs), while endpoints
/// read the inflated body. Installed only on requests with a Content-Encoding, in front of decompression, which also
/// removes that header, so it is kept here too (clients sign it).
/// </summary>
internal sealed class RawBodyHash : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private RawBodyHash(Stream inner, string contentEncoding)
    {
        _inner = inner;
        ContentEncoding = contentEncoding;
    }

    /// <summary>The Content-Encoding header as sent.</summary>
    public string ContentEncoding { get; }

    /// <summary>Must run before <c>UseRequestDecompression</c>, which wraps the body it finds.</summary>
    public static IApplicationBuilder Install(IApplicationBuilder app, ApiOptions options) => options.Auth == AuthMode.Off ? app : app.Use((http, next) =>
    {
        if (http.Request.Headers.ContentEncoding.Count > 0)
        {
            var raw = new RawBodyHash(http.Request.Body, http.Request.Headers.ContentEncoding.ToString());
            http.Features.Set(raw);
            http.Request.Body = raw;
        }
        return next(http);
    });

    /// <summary>The hash of the whole body, reading what the decompressor left unread (bounded by Kestrel's body limit).</summary>
    public async Task<string> FinishAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        _hash.AppendData(buffer, offset, read);
        return read;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
