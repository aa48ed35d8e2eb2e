namespace UploadProxy.Cli.Upload;

internal static class AtomicFile
{
    /// <summary>Writes beside <paramref name="path"/> and renames over it: readers see the old file or the new one, never half of one.</summary>
    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await write(stream);
                await stream.FlushAsync();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
