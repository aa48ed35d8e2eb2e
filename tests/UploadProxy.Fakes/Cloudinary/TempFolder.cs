namespace UploadProxy.Fakes.Cloudinary;

/// <summary>The server's own temporary folder: uploaded chunks and the bytes of every asset live here until disposal.</summary>
internal sealed class TempFolder
{
    private const int BufferSize = 81920;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("upload-proxy-fake-cloudinary-");

    public string NewFilePath() => Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.bin");

    public static FileStream CreateFile(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);

    /// <summary>Opens for reading while letting the file be replaced and deleted meanwhile.</summary>
    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous);

    public async Task<string> SaveAsync(IFormFile file)
    {
        var path = NewFilePath();
        await using var target = CreateFile(path);
        await file.CopyToAsync(target);
        return path;
    }

    public void Delete()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A download still open on Windows keeps its file; the folder is in the system temp folder anyway.
        }
    }
}
