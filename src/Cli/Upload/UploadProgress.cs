using Spectre.Console;

namespace UploadProxy.Cli.Upload;

/// <summary>
/// The live progress display: one bar for the whole run, in bytes, and one for each file in flight.
/// Spectre's tasks lock their own values, so files may report from any thread.
/// </summary>
internal sealed class UploadProgress
{
    private readonly ProgressContext _context;
    private readonly ProgressTask _overall;
    private readonly int _fileCount;
    private int _finished;

    public UploadProgress(ProgressContext context, IReadOnlyCollection<FileInfo> files)
    {
        _context = context;
        _fileCount = files.Count;
        _overall = context.AddTask(Summary(), maxValue: Math.Max(1, files.Sum(file => file.Length)));
    }

    public FileTransfer Start(FileInfo file) => new(this, file);

    /// <summary>A file settled without a transfer (stored before, a copy of another file, or unreadable): counted at once.</summary>
    public void Skip(FileInfo file)
    {
        _overall.Increment(file.Length);
        Finished();
    }

    private void Finished()
    {
        Interlocked.Increment(ref _finished);
        _overall.Description = Summary();
    }

    private string Summary() => $"[bold]{Volatile.Read(ref _finished)}/{_fileCount}[/] files";

    internal sealed class FileTransfer
    {
        private readonly UploadProgress _progress;
        private readonly ProgressTask _task;
        private readonly string _name;
        private readonly long _length;
        private long _credited;

        public FileTransfer(UploadProgress progress, FileInfo file)
        {
            _progress = progress;
            _name = Markup.Escape(file.Name);
            _length = file.Length;
            _task = progress._context.AddTask(_name, maxValue: Math.Max(1, _length));
        }

        /// <summary>Where the read of the file stands; a retry reads from the start again without counting twice.</summary>
        public void Report(long position)
        {
            _task.Value = position;
            long credited;
            while (position > (credited = Interlocked.Read(ref _credited)))
            {
                if (Interlocked.CompareExchange(ref _credited, position, credited) == credited)
                {
                    _progress._overall.Increment(position - credited);
                    return;
                }
            }
        }

        public void Waiting(string status)
        {
            _task.Description = $"{_name} [grey]({Markup.Escape(status)})[/]";
            _task.IsIndeterminate = true;
        }

        public void Complete()
        {
            Report(_length);
            _task.Value = _task.MaxValue;
            _task.StopTask();
            _progress.Finished();
        }
    }
}
