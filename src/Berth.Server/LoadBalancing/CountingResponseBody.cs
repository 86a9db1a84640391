using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Kestrel's response body with its stream counted: YARP's forwarder copies the target's body to
/// <c>HttpResponse.Body</c>, which is this feature's <see cref="Stream"/>. Everything else is Kestrel's own, so
/// buffering, trailers and completion behave as without it.
/// </summary>
internal sealed class CountingResponseBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private readonly CountingStream _stream = new(inner.Stream);

    public long Count => _stream.Count;

    public Stream Stream => _stream;

    public PipeWriter Writer => inner.Writer;

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();
}
