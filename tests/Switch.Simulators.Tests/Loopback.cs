using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators.Tests;

/// <summary>A bank host, an acquirer client connected to it over loopback TCP, and a terminal's transaction factory.</summary>
internal sealed class Loopback : IAsyncDisposable
{
    /// <summary>How long a test waits for something that should happen; generous, since it bounds only failures.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static readonly Card Card = new("4761739001010010", "3012");

    private Loopback(BankHostSimulator host, AcquirerClient client, TransactionFactory factory)
    {
        Host = host;
        Client = client;
        Factory = factory;
    }

    public BankHostSimulator Host { get; }

    public AcquirerClient Client { get; }

    public TransactionFactory Factory { get; }

    public AcquirerClientOptions ClientOptions => new(Host.Options.Dialect, Host.Options.Framing);

    public static async Task<Loopback> StartAsync(
        BankHostBehaviour? behaviour = null, Dialect? dialect = null, FrameFormat? framing = null, int seed = 8583, bool signOn = true)
    {
        dialect ??= Dialects.Iso87Ascii;
        var host = new BankHostSimulator(new BankHostOptions(dialect, framing ?? FrameFormat.Binary2)
        {
            Behaviour = behaviour ?? BankHostBehaviour.ApproveAll,
            Seed = seed,
        });
        await host.StartAsync();
        var loopback = new Loopback(host, await ConnectAsync(host), new TransactionFactory(dialect));
        if (signOn) Assert.Equal("00", (await loopback.SendAsync(loopback.Factory.SignOn())).ResponseCode);
        return loopback;
    }

    public static Task<AcquirerClient> ConnectAsync(BankHostSimulator host) =>
        AcquirerClient.ConnectAsync(host.Endpoint, new AcquirerClientOptions(host.Options.Dialect, host.Options.Framing));

    public Task<IsoMessage> SendAsync(IsoMessage request) => Client.SendAsync(request, Patience);

    public Task<IsoMessage> PurchaseAsync(long amount = 1000) => SendAsync(Factory.Purchase(Card, amount));

    /// <summary>Waits until <paramref name="condition"/> holds, failing after <see cref="Patience"/>.</summary>
    public static async Task Eventually(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!condition())
        {
            Assert.False(deadline.IsCancellationRequested, "the condition did not come true in time");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Host.DisposeAsync();
    }
}
