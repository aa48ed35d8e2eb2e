using System.Buffers;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.WebUtilities;
using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Load;
using UploadProxy.Bench.Scenarios;

namespace UploadProxy.Bench.Micro;

/// <summary>Reading a 1 MB document out of a multipart body, as the gateway's intake does (64 KiB pooled buffer).</summary>
/// <remarks>Not sealed: BenchmarkDotNet runs benchmarks through a type it derives from this one.</remarks>
public class MultipartReadingBenchmarks
{
    private const int BufferSize = 64 * 1024;
    private byte[] _body = [];

    [GlobalSetup]
    public void Setup() => _body = new DocumentPayload(SamplePdf.Create(Sizes.Megabyte)).Body.ToArray();

    [Benchmark]
    public async Task<long> ReadOneMegabyteFilePart()
    {
        using var stream = new MemoryStream(_body, writable: false);
        var reader = new MultipartReader(DocumentPayload.BoundaryValue, stream) { BodyLengthLimit = null };
        var section = await reader.ReadNextSectionAsync() ?? throw new InvalidOperationException("The body has no part.");
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            int read;
            while ((read = await section.Body.ReadAsync(buffer.AsMemory(0, BufferSize))) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
