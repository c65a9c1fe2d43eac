using System.Diagnostics;
using System.Net.Sockets;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators.Tests;

/// <summary>Latency, unanswered requests, dropped connections and outages. Timings are asserted as lower bounds only.</summary>
public class BankHostChaosTests
{
    // Timers and the stopwatch tick at different granularities; an answer may look up to this much early.
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMilliseconds(5);

    [Fact]
    public async Task A_fixed_latency_answer_arrives_no_sooner_than_the_latency()
    {
        var latency = TimeSpan.FromMilliseconds(150);
        await using var loop = await Loopback.StartAsync();
        loop.Host.Behaviour = loop.Host.Behaviour with { Latency = Latency.Fixed(latency) };

        var watch = Stopwatch.StartNew();
        var answer = await loop.PurchaseAsync();

        Assert.Equal("00", answer.ResponseCode);
        Assert.True(watch.Elapsed >= latency - ClockSlack, $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task Answers_on_one_connection_go_out_as_they_complete_not_in_order()
    {
        await using var loop = await Loopback.StartAsync(BankHostBehaviour.ApproveAll with
        {
            Rules = [new ResponseRule { Amount = 1111, Latency = Latency.Fixed(TimeSpan.FromMilliseconds(800)) }],
        });

        var slow = loop.PurchaseAsync(1111);
        var fast = loop.PurchaseAsync(2222);

        Assert.Equal(2222, (await fast).Amount);
        Assert.False(slow.IsCompleted, "the slow answer came before the fast one");
        Assert.Equal(1111, (await slow).Amount);
    }

    [Fact]
    public async Task Timeout_ratio_one_leaves_requests_unanswered_until_changed_live()
    {
        await using var loop = await Loopback.StartAsync();
        loop.Host.Behaviour = loop.Host.Behaviour with { TimeoutRatio = 1 };

        var purchase = loop.Factory.Purchase(Loopback.Card, 1000);
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => loop.Client.SendAsync(purchase, TimeSpan.FromMilliseconds(150)));
        Assert.Contains(purchase.MatchKey.Value, timeout.Message);
        // The client gives up on its own clock; the host may read the request later still.
        await Loopback.Eventually(() => loop.Host.Statistics.Unanswered == 1);

        loop.Host.Behaviour = loop.Host.Behaviour with { TimeoutRatio = 0 };
        Assert.Equal("00", (await loop.PurchaseAsync()).ResponseCode);
    }

    [Fact]
    public async Task Disconnect_ratio_one_closes_the_connection_instead_of_answering()
    {
        await using var loop = await Loopback.StartAsync(BankHostBehaviour.ApproveAll with { DisconnectRatio = 1 });

        await Assert.ThrowsAsync<IOException>(() => loop.PurchaseAsync());
        await loop.Client.Closed.WaitAsync(Loopback.Patience);
        Assert.Equal(1, loop.Host.Statistics.Disconnects);

        loop.Host.Behaviour = BankHostBehaviour.ApproveAll;
        await using var again = await Loopback.ConnectAsync(loop.Host);
        Assert.Equal("00", (await again.SendAsync(loop.Factory.SignOn(), Loopback.Patience)).ResponseCode);
        Assert.Equal("00", (await again.SendAsync(loop.Factory.Purchase(Loopback.Card, 1), Loopback.Patience)).ResponseCode);
    }

    [Fact]
    public async Task Down_drops_connections_and_refuses_new_ones_until_the_host_is_up_again()
    {
        await using var loop = await Loopback.StartAsync();

        loop.Host.SetOutage(OutageMode.Down);

        await loop.Client.Closed.WaitAsync(Loopback.Patience);
        await Assert.ThrowsAnyAsync<SocketException>(() => Loopback.ConnectAsync(loop.Host));
        await Loopback.Eventually(() => loop.Host.OpenConnections == 0);

        loop.Host.SetOutage(OutageMode.None);

        await using var again = await Loopback.ConnectAsync(loop.Host);
        Assert.Equal("00", (await again.SendAsync(loop.Factory.SignOn(), Loopback.Patience)).ResponseCode);
        Assert.Equal("00", (await again.SendAsync(loop.Factory.Purchase(Loopback.Card, 1), Loopback.Patience)).ResponseCode);
    }

    [Fact]
    public async Task A_scheduled_down_outage_starts_and_ends_on_its_timeline()
    {
        var startsIn = TimeSpan.FromMilliseconds(100);
        var lasts = TimeSpan.FromMilliseconds(300);
        await using var loop = await Loopback.StartAsync();

        var watch = Stopwatch.StartNew();
        loop.Host.ScheduleOutage(OutageMode.Down, startsIn, lasts);

        await loop.Client.Closed.WaitAsync(Loopback.Patience);
        Assert.True(watch.Elapsed >= startsIn - ClockSlack, $"dropped after {watch.Elapsed}");
        AcquirerClient? again = null;
        while (again is null)
        {
            try
            {
                again = await Loopback.ConnectAsync(loop.Host);
            }
            catch (SocketException) when (watch.Elapsed < Loopback.Patience)
            {
                await Task.Delay(20);
            }
        }

        await using (again)
        {
            Assert.True(watch.Elapsed >= startsIn + lasts - ClockSlack, $"up again after {watch.Elapsed}");
            Assert.Equal(OutageMode.None, loop.Host.Outage);
            Assert.Equal("00", (await again.SendAsync(loop.Factory.SignOn(), Loopback.Patience)).ResponseCode);
        }
    }

    [Fact]
    public async Task A_black_hole_accepts_and_reads_but_answers_nothing()
    {
        await using var loop = await Loopback.StartAsync();

        loop.Host.SetOutage(OutageMode.BlackHole);

        await Assert.ThrowsAsync<TimeoutException>(() => loop.Client.SendAsync(loop.Factory.Purchase(Loopback.Card, 1), TimeSpan.FromMilliseconds(100)));
        await using (var other = await Loopback.ConnectAsync(loop.Host))
        {
            await Assert.ThrowsAsync<TimeoutException>(() => other.SendAsync(loop.Factory.SignOn(), TimeSpan.FromMilliseconds(100)));
            // Still connected: on a loaded machine the sign-on may not have left the client within the 100 ms, and
            // closing the connection first would drop it before the host could read it.
            await Loopback.Eventually(() => loop.Host.Statistics.Unanswered == 2);
        }
        Assert.Equal(1, loop.Host.Statistics.Received(new Mti(200)));

        loop.Host.SetOutage(OutageMode.None);
        Assert.Equal("00", (await loop.PurchaseAsync()).ResponseCode);
    }

    [Fact]
    public async Task A_scheduled_black_hole_from_now_ends_by_itself()
    {
        await using var loop = await Loopback.StartAsync();

        loop.Host.ScheduleOutage(OutageMode.BlackHole, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));

        Assert.Equal(OutageMode.BlackHole, loop.Host.Outage);
        await Loopback.Eventually(() => loop.Host.Outage == OutageMode.None);
        Assert.Equal("00", (await loop.PurchaseAsync()).ResponseCode);
    }
}
