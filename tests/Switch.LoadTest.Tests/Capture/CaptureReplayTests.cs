using System.Diagnostics;
using System.Net;
using Switch.LoadTest.Capture;
using Switch.LoadTest.Relay;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.LoadTest.Tests.Capture;

public sealed class CaptureReplayTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("capture-").FullName;

    [Fact]
    public async Task A_capture_reads_back_the_requests_in_order_with_their_offsets()
    {
        var file = Path.Combine(_directory, "run.cap");
        var factory = new TransactionFactory(Dialects.Iso87Ascii);
        var card = new Card("4111110000000011", "3012");
        var sent = Enumerable.Range(1, 20).Select(i => factory.Purchase(card, i * 100)).ToList();
        var start = Stopwatch.GetTimestamp();
        await using (var writer = new CaptureWriter(file, Dialects.Iso87Ascii, start))
            for (var i = 0; i < sent.Count; i++)
                writer.Record(start + i * Stopwatch.Frequency / 100, sent[i]); // every 10 ms

        var (dialect, requests) = CaptureReader.Read(file);
        Assert.Same(Dialects.Iso87Ascii, dialect);
        Assert.Equal(20, requests.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            Assert.Equal(i * 10, requests[i].Offset.TotalMilliseconds, 1);
            Assert.Equal(sent[i].Encode(), requests[i].Body);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_capture_or_is_cut_short_is_refused()
    {
        var other = Path.Combine(_directory, "other.cap");
        File.WriteAllText(other, "hello\n");
        Assert.Throws<InvalidDataException>(() => CaptureReader.Read(other));

        var cut = Path.Combine(_directory, "cut.cap");
        File.WriteAllBytes(cut, [.. "switch-capture 1 iso87ascii\n"u8.ToArray(), 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 40, 1, 2]);
        Assert.Contains("cut short", Assert.Throws<InvalidDataException>(() => CaptureReader.Read(cut)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replay_sends_every_captured_request_and_gets_every_answer()
    {
        var file = Path.Combine(_directory, "replay.cap");
        var factory = new TransactionFactory(Dialects.Iso87Ascii);
        var start = Stopwatch.GetTimestamp();
        await using (var writer = new CaptureWriter(file, Dialects.Iso87Ascii, start))
            for (var i = 0; i < 200; i++)
                writer.Record(start + i * Stopwatch.Frequency / 200, factory.Purchase(new Card("4111110000000011", "3012"), 100 + i)); // 1 s at 200/s

        await using var bank = new BankHostSimulator(new BankHostOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));
        await bank.StartAsync();
        await using var relay = new BareRelay(new IPEndPoint(IPAddress.Loopback, 0), bank.Endpoint, FrameFormat.Binary2, Dialects.Iso87Ascii);
        var log = new StringWriter();
        var exit = await Replayer.ReplayAsync(file, relay.Endpoint, FrameFormat.Binary2, speed: 4, connections: 2, TimeSpan.FromSeconds(5), log, CancellationToken.None);

        Assert.True(exit == 0, log.ToString());
        Assert.Contains("replayed 200 requests", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("200 approved", log.ToString(), StringComparison.Ordinal);
        Assert.Equal(200, bank.Statistics.Received(new Mti(200)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
