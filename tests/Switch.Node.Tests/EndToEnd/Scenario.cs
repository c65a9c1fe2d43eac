using System.Diagnostics;
using Switch.Actors;
using Switch.Actors.Channels;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>
/// One end-to-end set-up for a test: bank host simulators, a node pointed at them, an acquirer connection and a
/// terminal's transaction factory. Restartable (the node stops and starts again on the same journal); disposing it
/// stops everything and deletes the node's directory.
/// </summary>
internal sealed class Scenario : IAsyncDisposable
{
    /// <summary>How long a test waits for any one answer (never reached when things work).</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    public static readonly Card OffUs = new("4761739001010010", "2912");

    private Scenario(TestNode node, AcquirerClient client, BankHostSimulator[] banks)
    {
        Node = node;
        Client = client;
        Banks = banks;
    }

    public TestNode Node { get; private set; }

    public AcquirerClient Client { get; private set; }

    public BankHostSimulator[] Banks { get; }

    public TransactionFactory Factory { get; } = new(Dialects.Iso87Ascii);

    public PaymentSwitch Payments => Node.Node.Payments;

    /// <summary>Starts a node with <paramref name="hocon"/> (inside <c>switch { }</c>); the banks are disposed with the scenario.</summary>
    public static async Task<Scenario> StartAsync(string hocon, BankHostSimulator[] banks, params string[] overrides)
    {
        var node = await TestNode.StartAsync(hocon, overrides);
        var scenario = new Scenario(node, await node.ConnectAsync(), banks);
        // Every channel signed on before the test sends anything (the node waits for it too, but only 10 s and only warns).
        await Eventually(() => scenario.Payments.Channels.Values.All(c => c.Status.Connections > 0), "every channel signed on");
        return scenario;
    }

    /// <summary>A channel object for the channels list, pointed at <paramref name="host"/>.</summary>
    public static string Channel(string name, string bank, BankHostSimulator host, string requestTimeout = "1s", string extra = "") =>
        $"{{ name = {name}, bank = {bank}, port = {host.Endpoint.Port}, request-timeout = {requestTimeout}, reconnect-delay = 200ms, saf-retry-interval = 500ms{(extra.Length > 0 ? ", " + extra : "")} }}";

    public ChannelStatus Status(string channel) => Payments.Channels[channel].Status;

    public Task<IsoMessage> SendAsync(IsoMessage request) => Client.SendAsync(request, AnswerTimeout);

    /// <summary>Sends <paramref name="request"/> and returns its answer and how long it took.</summary>
    public async Task<(IsoMessage Answer, TimeSpan Elapsed)> TimedSendAsync(IsoMessage request)
    {
        var clock = Stopwatch.StartNew();
        var answer = await Client.SendAsync(request, AnswerTimeout);
        return (answer, clock.Elapsed);
    }

    /// <summary>Sends a purchase of <paramref name="amount"/> on the off-us card and returns its response code.</summary>
    public async Task<string?> PurchaseAsync(long amount) => (await SendAsync(Factory.Purchase(OffUs, amount))).ResponseCode;

    /// <summary>The queued reversal advices of <paramref name="channel"/>.</summary>
    public async Task<List<SafEntryInfo>> SafAsync(string channel) => await Payments.ListSafAsync(channel, AnswerTimeout);

    /// <summary>Stops the node (gracefully) and starts it again on the same directory and configuration.</summary>
    public async Task RestartAsync()
    {
        await StopNodeAsync();
        await StartNodeAsync();
    }

    public async Task StopNodeAsync()
    {
        await Client.DisposeAsync();
        await Node.DisposeAsync();
    }

    public async Task StartNodeAsync()
    {
        Node = await TestNode.RestartAsync(Node);
        Client = await Node.ConnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Node.DisposeAsync();
        foreach (var bank in Banks)
            await bank.DisposeAsync();
        Node.DeleteDirectory();
    }

    /// <summary>The reversal advices (0420 and repeats 0421) <paramref name="bank"/> received for <paramref name="request"/> (by its RRN).</summary>
    public static List<ReversalAdvice> AdvicesFor(BankHostSimulator bank, IsoMessage request) =>
        bank.Statistics.ReversalAdvices.Where(a => a.Rrn == request.Rrn).ToList();

    public static async Task Eventually(Func<bool> condition, string what, int seconds = 15)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(seconds))
                Assert.Fail($"not in {seconds} s: {what}");
            await Task.Delay(20);
        }
    }

    public static async Task Eventually(Func<Task<bool>> condition, string what, int seconds = 15)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(seconds))
                Assert.Fail($"not in {seconds} s: {what}");
            await Task.Delay(20);
        }
    }
}
