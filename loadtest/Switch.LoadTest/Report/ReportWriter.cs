using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switch.LoadTest.Report;

/// <summary>Writes the report of a load run: summary.json, timeseries.csv and report.html.</summary>
internal static class ReportWriter
{
    /// <summary>The totals, objectives and findings, for tools.</summary>
    public const string SummaryFile = "summary.json";

    /// <summary>One row per second, for spreadsheets.</summary>
    public const string TimeSeriesFile = "timeseries.csv";

    /// <summary>The page for people: headline figures, tables and charts.</summary>
    public const string HtmlFile = "report.html";

    /// <summary>Creates <paramref name="outDirectory"/> if needed and writes the three files into it, replacing older ones.</summary>
    public static async Task WriteAsync(RunReport report, string outDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outDirectory);

        await using (var file = new FileStream(Path.Combine(outDirectory, SummaryFile), FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        // The relaxed encoder leaves "<= 50" and "&" readable; the file is never embedded in a page, which is
        // what the default escaping of HTML-sensitive characters protects against.
        await using (var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            SummaryJson.Write(json, report);
            await json.FlushAsync(cancellationToken);
        }

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        await File.WriteAllTextAsync(Path.Combine(outDirectory, TimeSeriesFile), TimeSeriesCsv.Build(report), utf8, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outDirectory, HtmlFile), HtmlReport.Build(report), utf8, cancellationToken);
    }
}
