using System.Collections.Concurrent;
using Switch.Actors;
using Switch.Actors.Accounts.Events;
using Switch.Actors.Transactions;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Runtime.Persistence;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>
/// The node as a real process, killed with SIGKILL while transactions are in flight, then restarted: every approval
/// an acquirer received is in the journal exactly once, repeats after the restart get the first answer, and account
/// state equals the replay of the journal.
/// </summary>
public sealed class CrashSafetyTests : IAsyncLifetime
{
    private const string AcquirerId = "000077";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _directory = Directory.CreateTempSubdirectory("switch-crash-").FullName;
    private BankHostSimulator _bank = null!;
    private string _config = null!;

    public async Task InitializeAsync()
    {
        _bank = await BankSimulator.StartAsync(new BankHostBehaviour { Latency = Latency.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(30)) });
        _config = Path.Combine(_directory, "crash.conf");
        await File.WriteAllTextAsync(_config, $$"""
            switch {
              node.data-dir = "{{_directory}}"
              logging.file = ""
              security.card-data-key = "{{TestNode.CardDataKey}}"
              admin.port = 0
              acquirers = [ { name = crash-acquirer, acquirer-id = "{{AcquirerId}}", port = 0 } ]
              channels = [ {{BankSimulator.Channel("bank-a-1", "bank-a", _bank)}} ]
              bin-table = [
                { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] }
                { range = "627700", issuer = switch, product = prepaid, on-us = true }
              ]
              products {
                classic {}
                prepaid { opening-balance = 100000000 }
              }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        await _bank.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    [Fact]
    public async Task A_node_killed_mid_traffic_loses_and_duplicates_nothing()
    {
        var cards = Enumerable.Range(0, 40).Select(i => new Card((i % 2 == 0 ? "476173" : "627700") + (1000000000L + i).ToString("D10"), "2912")).ToArray();
        var sent = new ConcurrentDictionary<string, IsoMessage>();
        var answers = new ConcurrentDictionary<string, IsoMessage>();
        var factories = Enumerable.Range(0, 4).Select(i => new TransactionFactory(Dialects.Iso87Ascii,
            new AcquirerTerminal { AcquirerId = AcquirerId, TerminalId = $"TERM000{i}" })).ToArray();

        await using (var node = await NodeProcess.StartAsync(_config))
        {
            var endpoint = await node.AcquirerEndpoint;
            using var stop = new CancellationTokenSource();
            var senders = factories.Select((factory, n) => Task.Run(async () =>
            {
                await using var client = await AcquirerClient.ConnectAsync(endpoint, new AcquirerClientOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));
                var inFlight = new List<Task>();
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var request = factory.Purchase(cards[(i * 7 + n) % cards.Length], 100 + i % 50);
                    var key = TransactionKey.Of(AcquirerId, request);
                    sent[key] = request;
                    inFlight.Add(SendAsync(client, request, key));
                    if (inFlight.Count >= 16)
                        inFlight.Remove(await Task.WhenAny(inFlight));
                }
                await Task.WhenAll(inFlight);
            })).ToArray();
            await AuthorizationTests.Eventually(() => answers.Count >= 300, seconds: 120);
            stop.Cancel(); // no new requests: those in flight now are what the kill cuts off
            await node.KillAsync();
            await Task.WhenAll(senders);
        }
        Assert.True(sent.Count > answers.Count, "some requests were in flight at the kill");

        // Restart; the acquirers repeat every request: answered ones must get the same answer, the others an answer.
        await using (var node = await NodeProcess.StartAsync(_config))
        {
            var endpoint = await node.AcquirerEndpoint;
            var repeats = await Task.WhenAll(sent.GroupBy(pair => pair.Value.TerminalId).Select(terminal => Task.Run(async () =>
            {
                var answered = new List<(string Key, IsoMessage Answer)>();
                foreach (var (key, request) in terminal)
                    answered.Add((key, await RepeatAsync(endpoint, request)));
                return answered;
            })));
            foreach (var (key, repeat) in repeats.SelectMany(r => r))
            {
                if (answers.TryGetValue(key, out var first))
                {
                    Assert.Equal(first.ResponseCode, repeat.ResponseCode);
                    Assert.Equal(first.ApprovalCode, repeat.ApprovalCode);
                }
                else
                {
                    answers[key] = repeat;
                }
            }
            Assert.Equal(0, await node.TerminateAsync());
        }

        // The journal: each transaction decided exactly once; every approval the acquirers hold is there as an approval.
        var decided = await DecisionsAsync();
        var byKey = decided.GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(byKey, pair => Assert.Single(pair.Value));
        foreach (var (key, answer) in answers)
        {
            Assert.True(byKey.TryGetValue(key, out var events), $"the answer to {key} is not in the journal");
            Assert.Equal(answer.ResponseCode, events![0].ResponseCode);
        }
        Assert.Equal(answers.Count, byKey.Count);

        // Account state after another restart equals the replay of the journal's decisions.
        var restarted = await TestNode.FromConfigFileAsync(_directory, _config);
        try
        {
            foreach (var card in cards)
            {
                var view = await restarted.Node.Payments.ShowAccountAsync(card.Pan, Timeout);
                var approved = decided.Where(d => d.MaskedPan == PanMask.Mask(card.Pan) && d.ResponseCode == ResponseCodes.Approved).ToList();
                Assert.Equal(approved.Sum(d => d.Amount), view.DayAmount);
                Assert.Equal(approved.Count, view.DayCount);
                if (card.Pan.StartsWith("627700", StringComparison.Ordinal))
                    Assert.Equal(100000000 - approved.Sum(d => d.Amount), view.Balance);
            }
        }
        finally
        {
            await restarted.DisposeAsync();
        }

        async Task SendAsync(AcquirerClient client, IsoMessage request, string key)
        {
            try
            {
                answers[key] = await client.SendAsync(request, Timeout);
            }
            catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                // the node died with this request in flight
            }
        }
    }

    /// <summary>An acquirer's repeat: sent until answered, reconnecting when the connection drops (the node is busy recovering).</summary>
    private static async Task<IsoMessage> RepeatAsync(System.Net.IPEndPoint endpoint, IsoMessage request)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var client = await AcquirerClient.ConnectAsync(endpoint, new AcquirerClientOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));
                return await client.SendAsync(request, Timeout);
            }
            catch (Exception e) when (attempt < 5 && e is IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                await Task.Delay(200);
            }
        }
    }

    private async Task<List<TransactionDecided>> DecisionsAsync()
    {
        var serializer = PaymentSwitch.Serializer();
        var options = new SqlitePersistenceOptions(Path.Combine(_directory, "journal.db"));
        await using var journal = await SqliteJournal.OpenAsync(options);
        var decided = new List<TransactionDecided>();
        await foreach (var e in journal.AllEventsAsync(0, int.MaxValue))
            if (serializer.Deserialize(e.Manifest, e.Payload) is TransactionDecided d)
                decided.Add(d);
        return decided;
    }
}
