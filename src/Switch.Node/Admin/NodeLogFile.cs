using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Switch.Node.Logging;

namespace Switch.Node.Admin;

/// <summary>
/// The node's rolling log files (<c>switch.logging.file</c>, e.g. <c>logs/switch-.log</c> written as
/// <c>switch-20251121.log</c>, then <c>switch-20251121_001.log</c> past the size limit), read for operators: the last
/// lines of the newest file, or what was written after a position. Only complete lines are returned, each masked
/// again for card numbers (the logger masks them already; this is the second guard). Reads share the file with the
/// logger and are bounded (<see cref="MaxLines"/> lines, <see cref="MaxBytes"/> bytes a read).
/// </summary>
internal sealed class NodeLogFile
{
    /// <summary>The most lines one read returns.</summary>
    public const int MaxLines = 10_000;

    /// <summary>The most bytes one read looks at.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private readonly string _directory;
    private readonly Regex _names;

    /// <param name="template">The configured log file path, absolute (the settings resolve it against the data directory).</param>
    public NodeLogFile(string template)
    {
        _directory = Path.GetDirectoryName(template) ?? ".";
        var name = Path.GetFileName(template);
        var extension = Path.GetExtension(name);
        _names = new Regex($@"^{Regex.Escape(name[..^extension.Length])}(?<day>\d{{8}})(_(?<part>\d+))?{Regex.Escape(extension)}$",
            RegexOptions.CultureInvariant);
    }

    /// <summary>The last <paramref name="lines"/> complete lines of the newest file; null when there is no file yet.</summary>
    public LogView? Tail(int lines)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lines);
        if (Files().LastOrDefault() is not { } file)
            return null;
        using var stream = Open(file);
        var end = stream.Length;
        var start = Math.Max(0, end - 64 * 1024);
        byte[] bytes;
        while (true)
        {
            bytes = Read(stream, start, (int)(end - start));
            // Enough when the window holds one newline more than the lines wanted (the first line may be cut).
            if (start == 0 || end - start >= MaxBytes || bytes.AsSpan().Count((byte)'\n') > lines)
                break;
            start = Math.Max(0, end - Math.Min(MaxBytes, 2 * (end - start)));
        }
        var (found, consumed) = Lines(bytes, bytes.Length, dropFirst: start > 0);
        return new LogView(file.Name, start + consumed, found.Count > lines ? found[^lines..] : found);
    }

    /// <summary>
    /// The complete lines written to <paramref name="fileName"/> after byte <paramref name="position"/> (a previous
    /// answer's file and next position); once that file is read to its end and a newer one exists, the newer one from its
    /// start. Null when there is no file at all.
    /// </summary>
    public LogView? From(string fileName, long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        var files = Files();
        if (files.Count == 0)
            return null;
        var newest = files[^1];
        var file = files.FirstOrDefault(f => f.Name == fileName);
        if (file is null || (position >= file.Length && file.Name != newest.Name))
            (file, position) = (newest, 0);
        using var stream = Open(file);
        if (position > stream.Length) // the file was replaced by a shorter one: read it from its start
            position = 0;
        var bytes = Read(stream, position, (int)Math.Min(MaxBytes, stream.Length - position));
        var (found, consumed) = Lines(bytes, EndOfLine(bytes, MaxLines), dropFirst: false);
        return new LogView(file.Name, position + consumed, found);
    }

    /// <summary>The log files, oldest first: by day, then by part.</summary>
    private List<FileInfo> Files()
    {
        if (!Directory.Exists(_directory))
            return [];
        return new DirectoryInfo(_directory).EnumerateFiles()
            .Select(f => (File: f, Match: _names.Match(f.Name)))
            .Where(f => f.Match.Success)
            .OrderBy(f => f.Match.Groups["day"].Value, StringComparer.Ordinal)
            .ThenBy(f => f.Match.Groups["part"].Success ? long.Parse(f.Match.Groups["part"].Value, CultureInfo.InvariantCulture) : -1)
            .Select(f => f.File)
            .ToList();
    }

    /// <summary>Opened the way the logger lets others in: it keeps writing, and may roll (delete or rename) meanwhile.</summary>
    private static FileStream Open(FileInfo file) =>
        new(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    private static byte[] Read(FileStream stream, long from, int count)
    {
        var bytes = new byte[count];
        stream.Position = from;
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Where the first <paramref name="count"/> lines of <paramref name="bytes"/> end (all of it when it holds fewer).</summary>
    private static int EndOfLine(byte[] bytes, int count)
    {
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] == '\n' && --count == 0)
                return i + 1;
        return bytes.Length;
    }

    /// <summary>
    /// The complete lines (ended by a newline) in the first <paramref name="length"/> bytes, masked, and how many bytes
    /// they take; the first is dropped when it may be the cut end of a line.
    /// </summary>
    private static (List<string> Lines, long Consumed) Lines(byte[] bytes, int length, bool dropFirst)
    {
        var last = length == 0 ? -1 : Array.LastIndexOf(bytes, (byte)'\n', length - 1, length);
        if (last < 0)
            return ([], 0);
        var lines = Encoding.UTF8.GetString(bytes, 0, last).Split('\n').Select(Masked).ToList();
        if (dropFirst)
            lines.RemoveAt(0);
        return (lines, last + 1);
    }

    private static string Masked(string line)
    {
        line = line.TrimEnd('\r');
        return PanMaskingEnricher.Mask(line) ?? line;
    }
}
