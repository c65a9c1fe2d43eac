using BenchmarkDotNet.Attributes;
using Switch.Protocol.Iso8583;

namespace Switch.Benchmarks;

/// <summary>
/// Where the time of a decode goes, for the typical request of <see cref="CodecBenchmarks"/>: the fixed cost of
/// a message object, a decode of a one-field message (MTI, bitmap, DE 11), and the request with and without its
/// composite field (Postilion DE 127, iso87binary DE 55). Run with
/// <c>dotnet run -c Release --project loadtest/Switch.Benchmarks -- --filter '*DecodeBreakdown*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class DecodeBreakdownBenchmarks
{
    private Dialect _dialect = null!;
    private byte[] _minimal = null!;
    private byte[] _full = null!;
    private byte[] _withoutComposite = null!;

    [Params("postilion", "iso87binary")]
    public string Dialect { get; set; } = "postilion";

    [GlobalSetup]
    public void Setup()
    {
        _dialect = Dialects.Get(Dialect);
        var minimal = _dialect.CreateMessage(new Mti(800));
        minimal.Set(11, "123456");
        _minimal = minimal.Encode();
        var full = CodecBenchmarks.AuthorizationRequest(_dialect);
        _full = full.Encode();
        full.Remove(Dialect == "postilion" ? 127 : 55);
        _withoutComposite = full.Encode();
    }

    /// <summary>Allocating (and zeroing) an empty message: the floor under every decode.</summary>
    [Benchmark]
    public IsoMessage CreateEmptyMessage() => _dialect.CreateMessage(new Mti(200));

    [Benchmark]
    public IsoMessage DecodeOneField() => _dialect.Decode(_minimal);

    [Benchmark]
    public IsoMessage DecodeWithoutComposite() => _dialect.Decode(_withoutComposite);

    [Benchmark(Baseline = true)]
    public IsoMessage DecodeFull() => _dialect.Decode(_full);
}
