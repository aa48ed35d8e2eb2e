using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace UploadProxy.Tests.Support;

/// <summary>
/// Counts the request body bytes the product reads, per request path: put in front of the gateway's own pipeline, it
/// sees exactly what the endpoints pull from the body, whatever the client sent.
/// </summary>
public sealed class RequestBodyMeter : IStartupFilter
{
    private readonly ConcurrentDictionary<string, long> _read = new(StringComparer.Ordinal);

    /// <summary>The body bytes read by requests to <paramref name="path"/> so far; fails if no such request went through the meter.</summary>
    public long BytesRead(string path) => _read.TryGetValue(path, out var read)
        ? read
        : throw new InvalidOperationException($"No request to {path} went through the meter; it saw {string.Join(", ", _read.Keys)}.");

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var path = context.Request.Path.Value ?? "";
            _read.TryAdd(path, 0);
            context.Request.Body = new CountingStream(context.Request.Body, count => _read.AddOrUpdate(path, count, (_, total) => total + count));
            await nextMiddleware(context);
        });
        next(app);
    };

    private sealed class CountingStream(Stream inner, Action<int> counted) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int read)
        {
            counted(read);
            return read;
        }
    }
}
