using System.Globalization;
using System.Text;

namespace UploadProxy.Bench.Report;

/// <summary>The one table a run prints: each figure, its ceiling and share of it, the target, and whether it is met.</summary>
internal sealed class ResultTable
{
    private static readonly string[] Headers = ["figure", "measured", "ceiling", "% of ceiling", "target", "verdict"];

    private readonly List<string[]> _rows = [];
    private readonly List<string> _notes = [];

    public void Add(string figure, string measured, string ceiling = "", string share = "", string target = "", string verdict = "") =>
        _rows.Add([figure, measured, ceiling, share, target, verdict]);

    public void Note(string note) => _notes.Add(note);

    public static string Verdict(bool met) => met ? "met" : "MISSED";

    public static string Percent(double share) => share.ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Number(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Megabytes(long bytes) => Number(bytes / (1024.0 * 1024.0)) + " MB";

    /// <summary>A Markdown table: aligned for the terminal, and pasted as it is into docs/benchmarks.md.</summary>
    public string Render()
    {
        var widths = Headers.Select((header, column) => Math.Max(header.Length, _rows.Select(row => row[column].Length).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder();
        AppendRow(text, Headers, widths);
        text.Append('|');
        foreach (var width in widths)
        {
            text.Append(' ').Append('-', width).Append(" |");
        }

        text.AppendLine();
        foreach (var row in _rows)
        {
            AppendRow(text, row, widths);
        }

        if (_notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in _notes)
            {
                text.Append("- ").AppendLine(note);
            }
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        text.Append('|');
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(' ').Append(cells[i].PadRight(widths[i])).Append(" |");
        }

        text.AppendLine();
    }
}
