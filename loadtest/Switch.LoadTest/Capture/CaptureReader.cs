using System.Buffers.Binary;
using System.Text;
using Switch.Protocol.Iso8583;

namespace Switch.LoadTest.Capture;

/// <summary>Reads a file written by <see cref="CaptureWriter"/>.</summary>
internal static class CaptureReader
{
    public const string Magic = "switch-capture 1";

    /// <summary>The capture's dialect and its requests in order, each with its offset from the start.</summary>
    /// <exception cref="InvalidDataException">The file is not a capture or is cut short.</exception>
    public static (Dialect Dialect, List<(TimeSpan Offset, byte[] Body)> Requests) Read(string file)
    {
        using var stream = File.OpenRead(file);
        var line = new List<byte>();
        for (int b; (b = stream.ReadByte()) != '\n';)
        {
            if (b < 0 || line.Count > 200)
                throw new InvalidDataException($"{file} is not a capture (no '{Magic}' header line)");
            line.Add((byte)b);
        }
        var header = Encoding.ASCII.GetString(line.ToArray());
        if (!header.StartsWith(Magic + " ", StringComparison.Ordinal))
            throw new InvalidDataException($"{file} is not a capture (header '{header}')");
        var name = header[(Magic.Length + 1)..];
        var dialect = Dialects.All.FirstOrDefault(d => d.Name == name) ?? throw new InvalidDataException($"{file}: unknown dialect '{name}'");
        var requests = new List<(TimeSpan, byte[])>();
        var record = new byte[12];
        while (true)
        {
            var read = stream.ReadAtLeast(record, record.Length, throwOnEndOfStream: false);
            if (read == 0)
                break;
            if (read < record.Length)
                throw new InvalidDataException($"{file}: a record is cut short after {requests.Count} requests");
            var length = BinaryPrimitives.ReadInt32BigEndian(record.AsSpan(8));
            if (length is <= 0 or > 1 << 20)
                throw new InvalidDataException($"{file}: record {requests.Count + 1} has length {length}");
            var body = new byte[length];
            if (stream.ReadAtLeast(body, length, throwOnEndOfStream: false) < length)
                throw new InvalidDataException($"{file}: record {requests.Count + 1} is cut short");
            requests.Add((TimeSpan.FromMicroseconds(BinaryPrimitives.ReadInt64BigEndian(record)), body));
        }
        return (dialect, requests);
    }
}
