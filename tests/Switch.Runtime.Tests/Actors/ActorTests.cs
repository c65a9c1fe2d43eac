using Switch.Runtime.Actors;
using Switch.Runtime.TestKit;

namespace Switch.Runtime.Tests.Actors;

public sealed class ActorTests : IAsyncLifetime
{
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("test");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    private sealed class Echo : Actor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    private sealed class Recorder(ActorRef probe) : Actor
    {
        protected override void OnReceive(object message) => probe.Tell(message, Sender);
    }

    [Fact]
    public void Messages_from_one_sender_arrive_in_order()
    {
        var probe = new TestProbe(_system);
        var echo = _system.ActorOf(Props.Create(() => new Echo()), "echo");

        for (var i = 0; i < 10_000; i++) probe.Send(echo, i);

        for (var i = 0; i < 10_000; i++) probe.ExpectMsg(i);
        Assert.Equal(echo, probe.LastSender);
    }

    private sealed class Rally(int rounds, CountdownEvent done) : Actor
    {
        private int _seen;

        protected override void OnReceive(object message)
        {
            if (++_seen == rounds) done.Signal();
            else Sender.Tell(message, Self);
        }
    }

    [Fact]
    public void A_single_message_bouncing_between_two_actors_is_never_stranded()
    {
        // One message in flight per pair makes every delivery race the recipient going idle: a lost wake-up
        // (a message enqueued just as its actor stops looking) would leave a pair stuck here.
        const int pairs = 4, rounds = 500_000;
        using var done = new CountdownEvent(pairs);
        for (var p = 0; p < pairs; p++)
        {
            var echo = _system.ActorOf(Props.Create(() => new Echo()));
            var rally = _system.ActorOf(Props.Create(() => new Rally(rounds, done)));
            echo.Tell("ball", rally);
        }

        Assert.True(done.Wait(TestTime.Dilated(TimeSpan.FromSeconds(30))), $"{done.CurrentCount} of {pairs} rallies stalled");
    }

    [Fact]
    public async Task Ask_completes_with_the_reply_or_times_out()
    {
        var echo = _system.ActorOf(Props.Create(() => new Echo()));
        var silent = _system.ActorOf(Props.Create(() => new Silent()));

        Assert.Equal("hi", await echo.Ask<string>("hi", TimeSpan.FromSeconds(3), _system));
        var timeout = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<string>("hi", TimeSpan.FromMilliseconds(100), _system));
        Assert.Contains(silent.Path.ToString(), timeout.Message);
    }

    private sealed class Silent : Actor
    {
        protected override void OnReceive(object message) { }
    }

    [Fact]
    public async Task Ask_faults_with_the_cause_of_a_failure_reply()
    {
        var failing = _system.ActorOf(Props.Create(() => new FailureReplier()));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.Ask<string>("x", TimeSpan.FromSeconds(3), _system));
        Assert.Equal("declined", e.Message);
    }

    private sealed class FailureReplier : Actor
    {
        protected override void OnReceive(object message) =>
            Sender.Tell(new Status.Failure(new InvalidOperationException("declined")));
    }

    private sealed class Switchable : Actor
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "open":
                    Context.Become(Open, discardOld: false);
                    break;
                default:
                    Sender.Tell("closed:" + message);
                    break;
            }
        }

        private void Open(object message)
        {
            if (message is "close") Context.Unbecome();
            else Sender.Tell("open:" + message);
        }
    }

    [Fact]
    public void Become_and_unbecome_switch_the_handler()
    {
        var probe = new TestProbe(_system);
        var actor = _system.ActorOf(Props.Create(() => new Switchable()));

        probe.Send(actor, "a");
        probe.Send(actor, "open");
        probe.Send(actor, "b");
        probe.Send(actor, "close");
        probe.Send(actor, "c");

        probe.ExpectMsg("closed:a");
        probe.ExpectMsg("open:b");
        probe.ExpectMsg("closed:c");
    }

    private sealed class Gate(ActorRef probe) : Actor
    {
        private bool _open;

        protected override void OnReceive(object message)
        {
            if (message is "open")
            {
                _open = true;
                Context.UnstashAll();
            }
            else if (!_open) Context.Stash();
            else probe.Tell(message);
        }
    }

    [Fact]
    public void Stashed_messages_come_back_in_order_before_later_ones()
    {
        var probe = new TestProbe(_system);
        var gate = _system.ActorOf(Props.Create(() => new Gate(probe)));

        for (var i = 0; i < 5; i++) gate.Tell(i);
        gate.Tell("open");
        gate.Tell(5);

        for (var i = 0; i <= 5; i++) probe.ExpectMsg(i);
    }

    private sealed class Idle(ActorRef probe) : Actor
    {
        public Idle(ActorRef probe, TimeSpan timeout) : this(probe) => Context.SetReceiveTimeout(timeout);

        protected override void OnReceive(object message)
        {
            probe.Tell(message);
            if (message is ReceiveTimeout) Context.SetReceiveTimeout(null);
        }
    }

    [Fact]
    public void Receive_timeout_fires_only_after_silence()
    {
        var probe = new TestProbe(_system);
        var idle = _system.ActorOf(Props.Create(() => new Idle(probe, TimeSpan.FromMilliseconds(1000))));

        for (var i = 0; i < 5; i++)
        {
            idle.Tell(i);
            Thread.Sleep(100);
        }

        for (var i = 0; i < 5; i++) probe.ExpectMsg(i);
        probe.ExpectMsg<ReceiveTimeout>(timeout: TimeSpan.FromSeconds(4));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(600));
    }

    private sealed class Ticker(ActorRef probe) : Actor
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "single": Context.Timers.StartSingleTimer("s", "fired", TimeSpan.FromMilliseconds(50)); break;
                case "periodic": Context.Timers.StartPeriodicTimer("p", "tick", TimeSpan.FromMilliseconds(40)); break;
                case "cancel": Context.Timers.Cancel("p"); Sender.Tell(Context.Timers.IsActive("p")); break;
                default: probe.Tell(message); break;
            }
        }
    }

    [Fact]
    public void Timers_fire_once_or_periodically_and_never_after_cancel()
    {
        var probe = new TestProbe(_system);
        var ticker = _system.ActorOf(Props.Create(() => new Ticker(probe)));

        ticker.Tell("single");
        probe.ExpectMsg("fired");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(150));

        ticker.Tell("periodic");
        probe.ExpectMsg("tick");
        probe.ExpectMsg("tick");
        probe.ExpectMsg("tick");
        probe.Send(ticker, "cancel");
        probe.FishForMessage(m => m is false);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Timers_are_cancelled_when_the_actor_stops()
    {
        var probe = new TestProbe(_system);
        var ticker = _system.ActorOf(Props.Create(() => new Ticker(probe)));
        probe.Watch(ticker);

        ticker.Tell("periodic");
        probe.ExpectMsg("tick");
        _system.Stop(ticker);
        probe.FishForMessage(m => m is Terminated);
        var before = _system.DeadLetterCount;

        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(before, _system.DeadLetterCount);
    }

    private sealed class Fragile(ActorRef probe) : Actor
    {
        private int _count;

        protected override void PreStart() => probe.Tell("started");

        protected override void PostStop() => probe.Tell("stopped");

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Exception e: throw e;
                case "count": Sender.Tell(++_count); break;
            }
        }
    }

    private sealed class Supervisor(Props child, ActorRef probe) : Actor
    {
        protected override void OnReceive(object message)
        {
            if (message is "create") Sender.Tell(Context.ActorOf(child, "child"));
            else probe.Tell(message);
        }
    }

    private ActorRef SupervisedFragile(TestProbe probe, SupervisorStrategy strategy)
    {
        var supervisor = _system.ActorOf(Props.Create(() => new Supervisor(Props.Create(() => new Fragile(probe)), probe)) with { SupervisorStrategy = strategy });
        probe.Send(supervisor, "create");
        // The child starts on its own thread: its "started" may come before or after the supervisor's reply.
        var both = probe.ReceiveN(2);
        Assert.Contains("started", both);
        return Assert.Single(both.OfType<ActorRef>());
    }

    [Fact]
    public void Restart_replaces_the_instance_and_keeps_the_mailbox()
    {
        var probe = new TestProbe(_system);
        var child = SupervisedFragile(probe, new SupervisorStrategy(_ => Directive.Restart));

        probe.Send(child, "count");
        probe.ExpectMsg(1);
        child.Tell(new InvalidOperationException("boom"));
        probe.Send(child, "count");

        probe.ExpectMsg("stopped");
        probe.ExpectMsg("started");
        probe.ExpectMsg(1);
    }

    [Fact]
    public void Resume_keeps_the_state()
    {
        var probe = new TestProbe(_system);
        var child = SupervisedFragile(probe, new SupervisorStrategy(_ => Directive.Resume));

        probe.Send(child, "count");
        probe.ExpectMsg(1);
        child.Tell(new InvalidOperationException("boom"));
        probe.Send(child, "count");

        probe.ExpectMsg(2);
    }

    [Fact]
    public void Stop_directive_stops_the_child_and_its_mail_goes_to_dead_letters()
    {
        var probe = new TestProbe(_system);
        var child = SupervisedFragile(probe, new SupervisorStrategy(_ => Directive.Stop));
        probe.Watch(child);

        child.Tell(new InvalidOperationException("boom"));

        probe.ExpectMsg("stopped");
        probe.ExpectMsg<Terminated>(t => t.Actor.Equals(child));
        var before = _system.DeadLetterCount;
        child.Tell("count");
        Assert.Equal(before + 1, _system.DeadLetterCount);
    }

    [Fact]
    public void Too_many_restarts_in_the_window_stop_the_child()
    {
        var probe = new TestProbe(_system);
        var child = SupervisedFragile(probe, new SupervisorStrategy(_ => Directive.Restart, maxRestarts: 2, window: TimeSpan.FromMinutes(1)));
        probe.Watch(child);

        for (var i = 0; i < 3; i++) child.Tell(new InvalidOperationException("boom " + i));

        probe.FishForMessage(m => m is Terminated);
    }

    [Fact]
    public void Restarts_back_off()
    {
        var probe = new TestProbe(_system);
        var child = SupervisedFragile(probe, new SupervisorStrategy(_ => Directive.Restart, maxRestarts: -1,
            minBackoff: TimeSpan.FromMilliseconds(200), maxBackoff: TimeSpan.FromSeconds(1)));

        var started = DateTime.UtcNow;
        child.Tell(new InvalidOperationException("boom"));
        probe.ExpectMsg("stopped");
        probe.ExpectMsg("started");

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(180), "the restart did not wait for its back-off");
    }

    [Fact]
    public void Escalate_fails_the_supervisor_whose_own_supervisor_restarts_it()
    {
        var probe = new TestProbe(_system);
        var child = SupervisedFragile(probe, new SupervisorStrategy(_ => Directive.Escalate));

        child.Tell(new InvalidOperationException("boom"));

        // The /user guardian restarts the supervisor, whose PreRestart stops its child.
        probe.ExpectMsg("stopped");
    }

    private sealed class BrokenConstructor : Actor
    {
        public BrokenConstructor() => throw new InvalidOperationException("cannot start");

        protected override void OnReceive(object message) { }
    }

    [Fact]
    public void A_constructor_failure_stops_the_actor()
    {
        var probe = new TestProbe(_system);
        var broken = _system.ActorOf(Props.Create(() => new BrokenConstructor()));
        probe.Watch(broken);

        probe.ExpectMsg<Terminated>();
    }

    [Fact]
    public void Watching_a_stopped_actor_gets_terminated_at_once()
    {
        var probe = new TestProbe(_system);
        var echo = _system.ActorOf(Props.Create(() => new Echo()));
        probe.Watch(echo);
        _system.Stop(echo);
        probe.ExpectMsg<Terminated>();

        var late = new TestProbe(_system, "late");
        late.Watch(echo);

        late.ExpectMsg<Terminated>(t => t.Actor.Equals(echo));
    }

    private sealed class Watcher(ActorRef target, ActorRef probe) : Actor
    {
        protected override void PreStart()
        {
            Context.Watch(target);
            probe.Tell("watching");
        }

        protected override void OnReceive(object message) => probe.Tell(message);
    }

    private sealed class Parent(ActorRef probe) : Actor
    {
        private ActorRef? _child;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "start":
                    _child = Context.ActorOf(Props.Create(() => new Echo()), "child");
                    Context.Watch(_child);
                    Context.Stop(_child);
                    break;
                case "watch again":
                    Context.Watch(_child!); // its death is already known here: the child answers the watch itself
                    break;
                default:
                    probe.Tell(message);
                    break;
            }
        }
    }

    [Fact]
    public void A_parent_watching_its_child_gets_one_terminated_and_a_late_watch_gets_another()
    {
        var probe = new TestProbe(_system);
        var parent = _system.ActorOf(Props.Create(() => new Parent(probe)));

        parent.Tell("start");
        var first = probe.ExpectMsg<Terminated>(t => t.Actor.Path.Name == "child");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        parent.Tell("watch again");
        probe.ExpectMsg<Terminated>(t => t.Actor.Equals(first.Actor));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    private sealed class PerSenderOrder(int senders) : Actor
    {
        private readonly int[] _next = new int[senders];
        private int _received, _disorders;

        protected override void OnReceive(object message)
        {
            if (message is (int sender, int sequence))
            {
                if (_next[sender] != sequence) _disorders++;
                _next[sender] = sequence + 1;
                _received++;
            }
            else
            {
                Sender.Tell((_received, _disorders));
            }
        }
    }

    [Fact]
    public async Task Messages_told_from_many_threads_at_once_all_arrive_each_sender_s_in_order()
    {
        const int senders = 4, each = 50_000;
        var target = _system.ActorOf(Props.Create(() => new PerSenderOrder(senders)));
        using var start = new Barrier(senders);
        var threads = Enumerable.Range(0, senders).Select(sender => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < each; i++) target.Tell((sender, i));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal((senders * each, 0), await target.Ask<(int, int)>("count", TimeSpan.FromSeconds(10), _system));
    }

    [Fact]
    public void An_actor_watching_another_gets_terminated_after_its_last_message()
    {
        var probe = new TestProbe(_system);
        var echo = _system.ActorOf(Props.Create(() => new Echo()));
        var watcher = _system.ActorOf(Props.Create(() => new Watcher(echo, probe)));
        probe.ExpectMsg("watching");

        echo.Tell("last", watcher);
        echo.Tell(PoisonPill.Instance);

        probe.ExpectMsg("last");
        probe.ExpectMsg<Terminated>(t => t.Actor.Equals(echo));
    }

    [Fact]
    public async Task Graceful_stop_processes_what_was_sent_before()
    {
        var probe = new TestProbe(_system);
        var recorder = _system.ActorOf(Props.Create(() => new Recorder(probe)));
        for (var i = 0; i < 100; i++) recorder.Tell(i);

        Assert.True(await _system.GracefulStop(recorder, TimeSpan.FromSeconds(3)));

        Assert.Equal(Enumerable.Range(0, 100).Cast<object>(), probe.ReceiveN(100));
    }

    private sealed class Blocked(ManualResetEventSlim gate) : Actor
    {
        protected override void OnReceive(object message) => gate.Wait();
    }

    [Fact]
    public void A_full_bounded_mailbox_refuses_with_a_failure_to_the_sender_and_counts_a_dead_letter()
    {
        using var gate = new ManualResetEventSlim();
        var probe = new TestProbe(_system);
        var blocked = _system.ActorOf(Props.Create(() => new Blocked(gate)) with { MailboxCapacity = 3 });
        blocked.Tell("first");
        TestTime.AwaitAssert(() => Assert.Equal(0, _system.Hierarchy().Single(h => h.Path.EndsWith(blocked.Path.Name)).MailboxDepth));
        var before = _system.DeadLetterCount;

        for (var i = 0; i < 4; i++) probe.Send(blocked, i);

        var failure = probe.ExpectMsg<Status.Failure>();
        Assert.IsType<MailboxFullException>(failure.Cause);
        Assert.Equal(before + 1, _system.DeadLetterCount);
        gate.Set();
    }

    [Fact]
    public void Hierarchy_lists_paths_parents_first()
    {
        var probe = new TestProbe(_system);
        var supervisor = _system.ActorOf(Props.Create(() => new Supervisor(Props.Create(() => new Echo()), probe)), "channels");
        probe.Send(supervisor, "create");
        probe.ExpectMsg<ActorRef>();

        var paths = _system.Hierarchy().Select(h => h.Path).ToList();

        Assert.Equal(["switch://test/user", "switch://test/user/channels", "switch://test/user/channels/child"], paths);
    }

    [Fact]
    public void Names_are_unique_among_siblings()
    {
        _system.ActorOf(Props.Create(() => new Echo()), "same");

        Assert.Throws<InvalidOperationException>(() => _system.ActorOf(Props.Create(() => new Echo()), "same"));
        Assert.Throws<ArgumentException>(() => _system.ActorOf(Props.Create(() => new Echo()), "$reserved"));
    }

    [Fact]
    public async Task Terminate_stops_every_actor_children_first()
    {
        var probe = new TestProbe(_system);
        var supervisor = _system.ActorOf(Props.Create(() => new Supervisor(Props.Create(() => new Fragile(probe)), probe)));
        probe.Send(supervisor, "create");
        probe.ExpectMsg<ActorRef>();
        probe.ExpectMsg("started");

        await _system.TerminateAsync();

        probe.ExpectMsg("stopped");
        Assert.True(_system.WhenTerminated.IsCompleted);
    }
}
