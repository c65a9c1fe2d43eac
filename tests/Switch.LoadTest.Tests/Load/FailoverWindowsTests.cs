using Switch.LoadTest.Load;
using Switch.LoadTest.Scenarios;

namespace Switch.LoadTest.Tests.Load;

public sealed class FailoverWindowsTests
{
    private static readonly TimelineAction Kill = Step(15, TimelineAction.NodeKill, node: "node-2");

    private static TimelineAction Step(double at, string action, string node = "", string dataCentre = "") =>
        new(TimeSpan.FromSeconds(at), action, "", TimeSpan.Zero, TimeSpan.FromMilliseconds(500), node, dataCentre);

    private static CardAttempt Failed(int card, double sent, double seen) => new(card, sent, seen, Served: false);

    private static CardAttempt Served(int card, double sent, double seen) => new(card, sent, seen, Served: true);

    private static string Name(int card) => $"card-{card}";

    [Fact]
    public void Nothing_is_measured_without_a_node_taken_away_abruptly()
    {
        CardAttempt[] attempts = [Failed(1, 20, 20.1), Served(1, 30, 30.1)];
        Assert.Null(FailoverWindows.Longest(attempts, [Step(15, TimelineAction.NodeStop, node: "node-2")], Name));
        Assert.Null(FailoverWindows.Longest(attempts, [], Name));
    }

    [Fact]
    public void The_longest_run_of_failures_after_the_kill_is_found_among_every_card()
    {
        CardAttempt[] attempts =
        [
            Served(7, 14.0, 14.01),
            // card 7: failing from 15.1 (sent) until an approval that was already under way when the last failure came
            Failed(7, 15.1, 15.2), Failed(7, 15.6, 15.7), Failed(7, 17.3, 17.4), Served(7, 17.35, 17.6),
            // card 3: a shorter run
            Failed(3, 15.5, 15.6), Served(3, 15.9, 16.0),
            // card 9: failing before the kill (a bank, say): not the kill's
            Failed(9, 10.0, 10.1), Failed(9, 12.0, 14.9), Served(9, 14.95, 20.0),
        ];
        var window = FailoverWindows.Longest(attempts, [Kill], Name);
        Assert.NotNull(window);
        Assert.Equal(2.5, window.Seconds, 6);
        Assert.Equal(15.1, window.FromSeconds, 6);
        Assert.Equal("card-7", window.Card);
        Assert.Equal("node-kill node-2 at 15 s", window.Event);
    }

    [Fact]
    public void A_request_the_switch_held_before_failing_it_counts_from_its_send_but_not_from_before_the_kill()
    {
        CardAttempt[] held = [Failed(4, 15.2, 17.3), Served(4, 17.3, 17.35)];
        Assert.Equal(2.15, FailoverWindows.Longest(held, [Kill], Name)!.Seconds, 6);
        CardAttempt[] inFlightAtTheKill = [Failed(4, 14.0, 17.0), Served(4, 17.0, 17.1)];
        Assert.Equal(2.1, FailoverWindows.Longest(inFlightAtTheKill, [Kill], Name)!.Seconds, 6);
    }

    [Fact]
    public void A_card_that_was_not_asked_again_for_a_while_ends_its_run_at_its_last_failure()
    {
        CardAttempt[] attempts = [Failed(5, 15.5, 16.0), Failed(5, 16.5, 16.6), Served(5, 36.0, 36.1)];
        Assert.Equal(1.1, FailoverWindows.Longest(attempts, [Kill], Name)!.Seconds, 6);
    }

    [Fact]
    public void A_card_never_served_again_counts_until_its_last_failure()
    {
        CardAttempt[] attempts = [Served(2, 10, 10.1), Failed(2, 20, 20.1), Failed(2, 25, 25.1), Failed(2, 33, 33.1)];
        var window = FailoverWindows.Longest(attempts, [Kill], Name)!;
        Assert.Equal(13.1, window.Seconds, 6);
        Assert.Equal("card-2", window.Card);
    }

    [Fact]
    public void Failures_after_a_later_graceful_step_are_that_steps_and_after_a_later_kill_that_kills()
    {
        TimelineAction[] timeline =
        [
            Kill, Step(30, TimelineAction.RollingRestart), Step(60, TimelineAction.DcKill, dataCentre: "dc-a"),
            Step(80, TimelineAction.NodePartition, node: "node-3"),
        ];
        CardAttempt[] attempts =
        [
            Failed(1, 15.1, 15.2), Served(1, 15.3, 15.5),          // 0.4 s after the kill
            Failed(1, 31.0, 31.1), Served(1, 35.0, 40.0),          // 9 s after the rolling restart: not counted
            Failed(2, 61.0, 61.6), Served(2, 61.5, 62.0),          // 1 s after the dc-kill
            Failed(3, 80.5, 80.6), Failed(3, 81.0, 81.2), Served(3, 81.1, 81.3), // 0.8 s after the partition
        ];
        var window = FailoverWindows.Longest(attempts, timeline, Name)!;
        Assert.Equal(1.0, window.Seconds, 6);
        Assert.Equal("dc-kill dc-a at 60 s", window.Event);
        Assert.Equal("card-2", window.Card);
    }

    [Fact]
    public void A_kill_nothing_failed_after_has_a_window_of_zero()
    {
        var window = FailoverWindows.Longest([Served(1, 16, 16.1)], [Kill], Name)!;
        Assert.Equal(0, window.Seconds);
        Assert.Equal("", window.Card);
        Assert.Equal("node-kill node-2 at 15 s", window.Event);
    }
}
