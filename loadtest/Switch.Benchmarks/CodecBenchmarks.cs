using BenchmarkDotNet.Attributes;
using Switch.Protocol.Iso8583;

namespace Switch.Benchmarks;

/// <summary>
/// Decode and encode of a typical 0200 authorization request (about 20 fields: PAN, amounts, dates, track 2, PIN
/// block, terminal and merchant; Postilion adds the 127.2 switch key, iso87binary the EMV data in DE 55).
/// Target: at most 1000 ns per decode and per encode on one core, and one allocation per decode besides the message.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private Dialect _dialect = null!;
    private IsoMessage _message = null!;
    private byte[] _encoded = null!;
    private byte[] _buffer = null!;

    /// <summary>The dialect under test.</summary>
    [Params("postilion", "iso87binary")]
    public string Dialect { get; set; } = "postilion";

    [GlobalSetup]
    public void Setup()
    {
        _dialect = Dialects.Get(Dialect);
        _message = AuthorizationRequest(_dialect);
        _encoded = _message.Encode();
        _buffer = new byte[_encoded.Length];

        // The benchmarks are only meaningful if the message is what it claims to be.
        var decoded = _dialect.Decode(_encoded);
        if (!decoded.Encode().AsSpan().SequenceEqual(_encoded) || decoded.FieldNumbers.Count() < 20)
            throw new InvalidOperationException($"the {Dialect} sample message does not round-trip");
    }

    /// <summary>Decodes the pre-encoded request; the message is returned so it is not optimized away.</summary>
    [Benchmark]
    public IsoMessage Decode() => _dialect.Decode(_encoded);

    /// <summary>Encodes into a preallocated buffer.</summary>
    [Benchmark]
    public int EncodeIntoBuffer() => _message.Encode(_buffer);

    /// <summary>Encodes into a new array.</summary>
    [Benchmark]
    public byte[] EncodeToNewArray() => _message.Encode();

    /// <summary>A 0200 purchase as a POS acquirer sends it.</summary>
    public static IsoMessage AuthorizationRequest(Dialect dialect)
    {
        var m = dialect.CreateMessage(new Mti(200));
        m.Set(2, "4761739001010010");
        m.Set(3, "000000");
        m.Set(4, "000000012550");
        m.Set(7, "0611143015");
        m.Set(11, "123456");
        m.Set(12, "143015");
        m.Set(13, "0611");
        m.Set(14, "2812");
        m.Set(18, "5411");
        m.Set(22, "051");
        m.Set(25, "00");
        m.Set(32, "483812");
        m.Set(35, "4761739001010010=28122011758928889");
        m.Set(37, "516214123456");
        m.Set(41, "TERM0001");
        m.Set(42, "MERCHANT0000001");
        m.Set(43, "ACME SUPERMARKET 42    JOHANNESBURG   ZA");
        m.Set(49, "710");
        m.Set(52, "8A3F1C2D4E5B6A79");
        if (dialect.Name == "postilion") m.Set("127.2", "0000123456789012");
        if (dialect.Name == "iso87binary")
        {
            // 44 bytes of EMV data: cryptogram, CID, issuer application data, unpredictable number, ATC, TVR.
            m.Set(55, "9F2608C2A1B3D4E5F60718" + "9F270180" + "9F100706010A03A0B000" + "9F37041A2B3C4D" + "9F3602002A" + "95050000048000");
        }
        return m;
    }
}
