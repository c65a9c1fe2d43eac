using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Switch.Actors.Transactions;
using Switch.LoadTest.Capture;
using Switch.LoadTest.Scenarios;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.LoadTest.Load;

/// <summary>
/// The acquirer side of a run: the scenario's connections, its open-loop timetable (or closed-loop saturation), the
/// transaction mix over the card population, deliberate duplicates, and the repeats an acquirer sends when an answer
/// does not come. Everything seen goes to the <see cref="RunRecorder"/> and the ledger that reconciliation reads.
/// </summary>
internal sealed class LoadDriver : IAsyncDisposable
{
    private readonly Scenario _scenario;
    private readonly CardPopulation _cards;
    private readonly RunRecorder _recorder;
    private readonly AcquirerLink[] _links;
    private readonly int[] _issuerChannel;
    private readonly CaptureWriter? _capture;
    private readonly ConcurrentQueue<LedgerEntry> _ledger = new();
    private readonly ConcurrentQueue<CardAttempt> _attempts = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _inFlight = 1; // the timetable itself holds one until it ends
    private long _unanswered;

    /// <param name="switchEndpoints">The switch nodes' acquirer listeners: the connections are spread over them round-robin.</param>
    public LoadDriver(Scenario scenario, IReadOnlyList<EndPoint> switchEndpoints, CardPopulation cards, RunRecorder recorder, string terminalPrefix, CaptureWriter? capture)
    {
        if (terminalPrefix.Length != 4)
            throw new ArgumentException("the terminal prefix is 4 characters (DE 41 is 8: the prefix and the connection's number)", nameof(terminalPrefix));
        _scenario = scenario;
        _cards = cards;
        _recorder = recorder;
        _capture = capture;
        var acquirer = scenario.Acquirer;
        var options = new AcquirerClientOptions(acquirer.Dialect, acquirer.Framing);
        _links = Enumerable.Range(0, acquirer.Connections).Select(i => new AcquirerLink(switchEndpoints, i % switchEndpoints.Count, options, acquirer.ReconnectDelay,
            new TransactionFactory(acquirer.Dialect, new AcquirerTerminal
            {
                AcquirerId = acquirer.AcquirerId,
                TerminalId = $"{terminalPrefix}{i:D4}",
                MerchantId = $"LOADTEST{i:D7}",
            }))).ToArray();
        _issuerChannel = Enumerable.Range(0, cards.Count).Select(rank => recorder.ChannelIndex(cards.IssuerOf(rank))).ToArray();
    }

    /// <summary>Every request sent, with the answer it got (reconciliation's acquirer side).</summary>
    public IReadOnlyCollection<LedgerEntry> Ledger => _ledger;

    /// <summary>Every send and how it ended, per card (the failover window's input).</summary>
    public IReadOnlyCollection<CardAttempt> Attempts => _attempts;

    /// <summary>Flows still running (waiting for answers, repeating, or about to send a follow-up).</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Requests that got no answer after every repeat.</summary>
    public long Unanswered => Interlocked.Read(ref _unanswered);

    /// <summary>
    /// Runs the phases from <see cref="RunRecorder.StartTimestamp"/>, then waits for the last answers: until none is
    /// in flight or <paramref name="drained"/> is cancelled (what is still open then counts as unanswered).
    /// </summary>
    public async Task RunAsync(CancellationToken drained)
    {
        var schedule = new RateSchedule(_scenario.Phases);
        var timetableDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timetable = new Thread(() =>
        {
            try
            {
                RunTimetable(schedule, drained);
            }
            finally
            {
                timetableDone.SetResult();
            }
        }) { IsBackground = true, Name = "loadtest-timetable", Priority = ThreadPriority.AboveNormal };
        timetable.Start();
        var saturating = new List<Task>();
        var phaseStart = TimeSpan.Zero;
        foreach (var phase in _scenario.Phases)
        {
            if (phase.Saturate)
                saturating.Add(SaturateAsync(phaseStart, phase, drained));
            phaseStart += phase.Duration;
        }
        await Task.WhenAll(saturating).ConfigureAwait(false);
        await timetableDone.Task.ConfigureAwait(false);
        Leave();
        try
        {
            await _idle.Task.WaitAsync(drained).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void RunTimetable(RateSchedule schedule, CancellationToken cancellationToken)
    {
        var random = new Random(_scenario.Seed);
        var start = _recorder.StartTimestamp;
        var frequency = (double)Stopwatch.Frequency;
        long next = 0;
        while (next < schedule.Total && !cancellationToken.IsCancellationRequested)
        {
            var due = schedule.DueBy(Stopwatch.GetElapsedTime(start));
            for (; next < due; next++)
            {
                var intended = start + (long)(schedule.DueAt(next).TotalSeconds * frequency);
                Start(Plan(random, (int)(next % _links.Length), timetable: true), intended, cancellationToken);
            }
            if (next < schedule.Total)
                Thread.Sleep(1);
        }
    }

    private async Task SaturateAsync(TimeSpan from, Scenarios.LoadPhase phase, CancellationToken cancellationToken)
    {
        var start = _recorder.StartTimestamp;
        var until = from + phase.Duration;
        var wait = from - Stopwatch.GetElapsedTime(start);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        var loops = Enumerable.Range(0, _links.Length * phase.Window).Select(i => Task.Run(async () =>
        {
            var random = new Random(HashCode.Combine(_scenario.Seed, phase.Name, i));
            while (Stopwatch.GetElapsedTime(start) < until && !cancellationToken.IsCancellationRequested)
            {
                Enter();
                await RunFlowAsync(Plan(random, i % _links.Length, timetable: false), Stopwatch.GetTimestamp(), cancellationToken).ConfigureAwait(false);
            }
        }, CancellationToken.None));
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private FlowPlan Plan(Random random, int link, bool timetable)
    {
        var flow = _scenario.Mix.Draw(random.NextDouble());
        var card = _cards.Draw(random.NextDouble());
        var amount = random.NextInt64(_scenario.MinAmount, _scenario.MaxAmount + 1);
        var duplicate = _scenario.Duplicates > 0 && random.NextDouble() < _scenario.Duplicates;
        return new FlowPlan(flow, card, amount, duplicate, link, timetable);
    }

    private void Start(FlowPlan plan, long intended, CancellationToken cancellationToken)
    {
        Enter();
        _ = RunFlowAsync(plan, intended, cancellationToken);
    }

    private async Task RunFlowAsync(FlowPlan plan, long intended, CancellationToken cancellationToken)
    {
        try
        {
            var link = _links[plan.Link];
            var card = _cards[plan.Card];
            var channel = _issuerChannel[plan.Card];
            var factory = link.Factory;
            switch (plan.Flow)
            {
                case Flow.Purchase:
                    await ExchangeAsync(plan, factory.Purchase(card, plan.Amount), TransactionKind.Purchase, channel, intended, cancellationToken).ConfigureAwait(false);
                    break;
                case Flow.Refund:
                    await ExchangeAsync(plan, factory.Refund(card, plan.Amount), TransactionKind.Refund, channel, intended, cancellationToken).ConfigureAwait(false);
                    break;
                case Flow.BalanceInquiry:
                    await ExchangeAsync(plan, factory.BalanceInquiry(card), TransactionKind.BalanceInquiry, channel, intended, cancellationToken).ConfigureAwait(false);
                    break;
                case Flow.PreAuthorizationAndCompletion:
                {
                    var request = factory.PreAuthorization(card, plan.Amount);
                    var answer = await ExchangeAsync(plan, request, TransactionKind.PreAuthorization, channel, intended, cancellationToken).ConfigureAwait(false);
                    if (answer is { ResponseCode: "00" })
                        await ExchangeAsync(plan with { Duplicate = false }, factory.Completion(request, plan.Amount, answer.ApprovalCode), TransactionKind.Completion,
                            channel, Stopwatch.GetTimestamp(), cancellationToken, followUp: true).ConfigureAwait(false);
                    break;
                }
                case Flow.PurchaseAndReversal:
                {
                    var request = factory.Purchase(card, plan.Amount);
                    var answer = await ExchangeAsync(plan, request, TransactionKind.Purchase, channel, intended, cancellationToken).ConfigureAwait(false);
                    if (answer is { ResponseCode: "00" })
                        await ExchangeAsync(plan with { Duplicate = false }, factory.Reversal(request), TransactionKind.Reversal, channel,
                            Stopwatch.GetTimestamp(), cancellationToken, followUp: true).ConfigureAwait(false);
                    break;
                }
            }
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Sends <paramref name="request"/> (and its deliberate duplicate) until answered or out of repeats.</summary>
    private async Task<IsoMessage?> ExchangeAsync(FlowPlan plan, IsoMessage request, TransactionKind kind, int channel, long intended, CancellationToken cancellationToken,
        bool followUp = false)
    {
        if (plan.Duplicate && _links.Length > 1)
        {
            Enter();
            _ = DuplicateAsync(_links[(plan.Link + 1) % _links.Length], plan.Card, request, kind, channel, intended, cancellationToken);
        }
        var answer = await SendWithRepeatsAsync(_links[plan.Link], plan.Card, request, kind, channel, intended, onTimetable: plan.Timetable && !followUp, cancellationToken).ConfigureAwait(false);
        if (plan.Duplicate && _links.Length == 1)
            await SendWithRepeatsAsync(_links[plan.Link], plan.Card, request, kind, channel, intended, onTimetable: false, cancellationToken).ConfigureAwait(false);
        return answer;
    }

    private async Task DuplicateAsync(AcquirerLink link, int card, IsoMessage request, TransactionKind kind, int channel, long intended, CancellationToken cancellationToken)
    {
        try
        {
            await SendWithRepeatsAsync(link, card, request, kind, channel, intended, onTimetable: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Leave();
        }
    }

    private async Task<IsoMessage?> SendWithRepeatsAsync(AcquirerLink link, int card, IsoMessage request, TransactionKind kind, int channel, long intended,
        bool onTimetable, CancellationToken cancellationToken)
    {
        var entry = new LedgerEntry(request.TerminalId!, request.Stan!, request.TransmissionDateTime!, kind, channel);
        _ledger.Enqueue(entry);
        _recorder.RecordSent(channel, intended);
        _capture?.Record(Stopwatch.GetTimestamp(), request);
        for (var attempt = 0; attempt <= _scenario.Acquirer.MaxRepeats && !cancellationToken.IsCancellationRequested; attempt++)
        {
            var sentAt = Stopwatch.GetElapsedTime(_recorder.StartTimestamp).TotalSeconds;
            try
            {
                var answer = await link.SendAsync(request, _scenario.Acquirer.RequestTimeout, cancellationToken).ConfigureAwait(false);
                var code = answer.ResponseCode ?? "";
                entry.Answer(code);
                _recorder.RecordAnswer(channel, code, intended, onTimetable);
                if (Outcomes.Of(code) is Outcome.Approved or Outcome.Declined)
                    RecordAttempt(card, sentAt, served: true);
                else if (code is "91" or "96")
                    RecordAttempt(card, sentAt, served: false);
                return answer;
            }
            catch (Exception error) when (error is TimeoutException or IOException or InvalidOperationException)
            {
                if (error is not InvalidOperationException)
                    RecordAttempt(card, sentAt, served: false);
                // No answer (or the connection went): repeat the same request, as an acquirer does; the switch gives a
                // repeat the first answer and never sends it to a bank twice. InvalidOperationException: the same key
                // is still waiting on this connection (a deliberate duplicate racing a repeat); wait and try again.
                if (error is IOException)
                    await Delay(_scenario.Acquirer.ReconnectDelay, cancellationToken).ConfigureAwait(false); // not in a tight loop on a dead link
                else if (error is InvalidOperationException)
                    await Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Interlocked.Increment(ref _unanswered);
        return null;
    }

    private void RecordAttempt(int card, double sentAt, bool served) =>
        _attempts.Enqueue(new CardAttempt(card, sentAt, Stopwatch.GetElapsedTime(_recorder.StartTimestamp).TotalSeconds, served));

    private static async Task Delay(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Enter() => Interlocked.Increment(ref _inFlight);

    private void Leave()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
            _idle.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var link in _links)
            await link.DisposeAsync().ConfigureAwait(false);
    }

    private readonly record struct FlowPlan(Flow Flow, int Card, long Amount, bool Duplicate, int Link, bool Timetable);
}
