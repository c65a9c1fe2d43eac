using System.Buffers;
using System.Globalization;
using System.Text;

namespace Switch.Runtime.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: <c># HELP</c> and <c># TYPE</c> lines, then
/// <c>name{labels} value</c> lines. Names and label lists arrive already valid (see <see cref="PrometheusNames"/>).
/// </summary>
internal sealed class PrometheusTextWriter
{
    private readonly StringBuilder _text = new();

    internal void Family(string name, string? help, string type)
    {
        if (!string.IsNullOrEmpty(help))
        {
            _text.Append("# HELP ").Append(name).Append(' ');
            foreach (var c in help)
            {
                switch (c)
                {
                    case '\\': _text.Append(@"\\"); break;
                    case '\n': _text.Append(@"\n"); break;
                    default: _text.Append(c); break;
                }
            }
            _text.Append('\n');
        }
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    internal void Sample(string name, string labels, long value)
    {
        Name(name, labels);
        _text.Append(CultureInfo.InvariantCulture, $"{value}").Append('\n');
    }

    internal void Sample(string name, string labels, double value)
    {
        Name(name, labels);
        Number(value);
        _text.Append('\n');
    }

    /// <summary>One cumulative bucket: <c>name_bucket{labels,le="bound"} count</c>.</summary>
    internal void Bucket(string name, string labels, double upperBound, long count)
    {
        _text.Append(name).Append("_bucket{");
        if (labels.Length > 0)
            _text.Append(labels).Append(',');
        _text.Append("le=\"");
        Number(upperBound);
        _text.Append(CultureInfo.InvariantCulture, $"\"}} {count}").Append('\n');
    }

    /// <summary>Copies the text written so far to <paramref name="output"/> as UTF-8.</summary>
    internal void CopyTo(IBufferWriter<byte> output)
    {
        foreach (var chunk in _text.GetChunks())
            Encoding.UTF8.GetBytes(chunk.Span, output);
    }

    private void Name(string name, string labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
            _text.Append('{').Append(labels).Append('}');
        _text.Append(' ');
    }

    private void Number(double value)
    {
        if (double.IsPositiveInfinity(value))
            _text.Append("+Inf");
        else if (double.IsNegativeInfinity(value))
            _text.Append("-Inf");
        else if (double.IsNaN(value))
            _text.Append("NaN");
        else
            _text.Append(CultureInfo.InvariantCulture, $"{value}"); // shortest text that reads back as the same double
    }
}
