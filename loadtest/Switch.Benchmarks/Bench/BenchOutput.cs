using System.Globalization;
using System.Text;

namespace Switch.Benchmarks.Bench;

/// <summary>What every <c>bench</c> run shares: reading its options and printing its one JSON line.</summary>
internal static class BenchOutput
{
    /// <summary>Prints the fields as one JSON object on one line (strings quoted, numbers invariant).</summary>
    internal static void Print(Dictionary<string, object> fields)
    {
        var json = new StringBuilder("{");
        foreach (var (key, value) in fields)
        {
            if (json.Length > 1)
                json.Append(',');
            json.Append('"').Append(key).Append("\":");
            json.Append(value is string s ? $"\"{s}\"" : Convert.ToString(value, CultureInfo.InvariantCulture));
        }
        Console.WriteLine(json.Append('}'));
    }

    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    internal static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
