using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// A PNG screenshot decoded to RGB pixels: 8-bit truecolour with or without alpha, not interlaced (what Chromium writes).
/// Enough to check what a browser drew, with nothing but the base library.
/// </summary>
internal sealed class DashboardPng
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly byte[] _rgb;

    private DashboardPng(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        _rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The pixel at (<paramref name="x"/>, <paramref name="y"/>) as 0xRRGGBB.</summary>
    public int this[int x, int y]
    {
        get
        {
            var i = (y * Width + x) * 3;
            return (_rgb[i] << 16) | (_rgb[i + 1] << 8) | _rgb[i + 2];
        }
    }

    public static DashboardPng Read(string file)
    {
        var bytes = File.ReadAllBytes(file);
        if (!bytes.AsSpan().StartsWith(Signature))
            throw new InvalidDataException($"{file} is not a PNG");
        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        for (var at = Signature.Length; at + 8 <= bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            var type = Encoding.ASCII.GetString(bytes, at + 4, 4);
            var data = bytes.AsSpan(at + 8, length);
            at += 12 + length; // length, type, data, CRC
            switch (type)
            {
                case "IHDR":
                    (width, height) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]));
                    var (depth, colour, interlace) = (data[8], data[9], data[12]);
                    if (depth != 8 || colour is not (2 or 6) || interlace != 0)
                        throw new InvalidDataException($"unsupported PNG: bit depth {depth}, colour type {colour}, interlace {interlace}");
                    channels = colour == 6 ? 4 : 3;
                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
                case "IEND":
                    at = bytes.Length;
                    break;
            }
        }
        if (channels == 0)
            throw new InvalidDataException($"{file} has no IHDR");
        compressed.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
            zlib.CopyTo(inflated);
        return new DashboardPng(width, height, Unfilter(inflated.ToArray(), width, height, channels));
    }

    /// <summary>Undoes the per-row filters (PNG specification, section 9) and drops the alpha channel.</summary>
    private static byte[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        var stride = width * channels;
        if (raw.Length < height * (stride + 1))
            throw new InvalidDataException($"the image data holds {raw.Length} bytes, {height * (stride + 1)} expected");
        var previous = new byte[stride];
        var row = new byte[stride];
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            raw.AsSpan(y * (stride + 1) + 1, stride).CopyTo(row);
            for (var i = 0; i < stride; i++)
            {
                int left = i >= channels ? row[i - channels] : 0, up = previous[i], upLeft = i >= channels ? previous[i - channels] : 0;
                row[i] += filter switch
                {
                    0 => (byte)0,
                    1 => (byte)left,
                    2 => (byte)up,
                    3 => (byte)((left + up) / 2),
                    4 => (byte)Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"unknown PNG filter {filter} on row {y}"),
                };
            }
            for (var x = 0; x < width; x++)
                row.AsSpan(x * channels, 3).CopyTo(rgb.AsSpan((y * width + x) * 3));
            (previous, row) = (row, previous);
        }
        return rgb;
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        var (toLeft, toUp, toUpLeft) = (Math.Abs(estimate - left), Math.Abs(estimate - up), Math.Abs(estimate - upLeft));
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }
}
