namespace UploadProxy.Cli.Upload;

/// <summary>Finds the PDFs named on the command line: files as given, folders searched recursively.</summary>
internal static class PdfFiles
{
    private static readonly EnumerationOptions Recursive = new()
    {
        RecurseSubdirectories = true,
        MatchCasing = MatchCasing.CaseInsensitive,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
    };

    /// <summary>The PDFs under <paramref name="paths"/>, each once, in a stable order.</summary>
    public static IReadOnlyList<FileInfo> Find(IEnumerable<string> paths)
    {
        var found = new Dictionary<string, FileInfo>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*.pdf", Recursive))
                {
                    var info = new FileInfo(file);
                    found.TryAdd(info.FullName, info);
                }
            }
            else
            {
                var info = new FileInfo(path);
                found.TryAdd(info.FullName, info);
            }
        }

        return [.. found.Values.OrderBy(file => file.FullName, StringComparer.Ordinal)];
    }

    /// <summary>Where the manifest goes by default: in the first folder named, or beside the first file.</summary>
    public static string DefaultManifestPath(IReadOnlyList<string> paths)
    {
        var folder = paths.FirstOrDefault(Directory.Exists)
            ?? Path.GetDirectoryName(Path.GetFullPath(paths[0]))
            ?? Directory.GetCurrentDirectory();
        return Path.Combine(Path.GetFullPath(folder), ".uploadproxy-manifest.json");
    }
}
