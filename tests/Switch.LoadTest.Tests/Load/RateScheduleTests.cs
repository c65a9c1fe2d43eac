using Switch.LoadTest.Load;
using Switch.LoadTest.Scenarios;

namespace Switch.LoadTest.Tests.Load;

public sealed class RateScheduleTests
{
    private static LoadPhase Steady(double rate, int seconds) => new("steady", TimeSpan.FromSeconds(seconds), rate, rate, false, 1);

    [Fact]
    public void A_steady_rate_spaces_requests_evenly_from_the_middle_of_each_slot()
    {
        var schedule = new RateSchedule([Steady(100, 10)]);

        Assert.Equal(1000, schedule.Total);
        Assert.Equal(5, schedule.DueAt(0).TotalMilliseconds, 3);
        Assert.Equal(15, schedule.DueAt(1).TotalMilliseconds, 3);
        Assert.Equal(9995, schedule.DueAt(999).TotalMilliseconds, 3);
        Assert.Equal(0, schedule.DueBy(TimeSpan.FromMilliseconds(4)));
        Assert.Equal(1, schedule.DueBy(TimeSpan.FromMilliseconds(6)));
        Assert.Equal(500, schedule.DueBy(TimeSpan.FromSeconds(5)));
        Assert.Equal(1000, schedule.DueBy(TimeSpan.FromSeconds(11)));
    }

    [Fact]
    public void A_ramp_sends_the_area_under_the_rate_and_speeds_up()
    {
        var schedule = new RateSchedule([new LoadPhase("ramp", TimeSpan.FromSeconds(10), 0, 200, false, 1)]);

        Assert.Equal(1000, schedule.Total); // (0 + 200) / 2 * 10
        Assert.Equal(250, schedule.DueBy(TimeSpan.FromSeconds(5))); // 200/10 * 5^2 / 2
        Assert.Equal(100, schedule.RateAt(TimeSpan.FromSeconds(5)), 6);
        var early = schedule.DueAt(10) - schedule.DueAt(9);
        var late = schedule.DueAt(990) - schedule.DueAt(989);
        Assert.True(early > late * 5, $"gaps {early} then {late}");
    }

    [Fact]
    public void Due_times_and_counts_agree_across_phases()
    {
        var schedule = new RateSchedule([
            new LoadPhase("ramp", TimeSpan.FromSeconds(4), 50, 150, false, 1),
            Steady(150, 3),
            new LoadPhase("capacity", TimeSpan.FromSeconds(5), 0, 0, true, 8),
            Steady(400, 2),
        ]);

        Assert.Equal(400 + 450 + 800, schedule.Total);
        Assert.Equal(TimeSpan.FromSeconds(14), schedule.Duration);
        for (long i = 0; i < schedule.Total; i += 37)
        {
            var due = schedule.DueAt(i);
            Assert.Equal(i, schedule.DueBy(due - TimeSpan.FromTicks(1)));
            Assert.Equal(i + 1, schedule.DueBy(due + TimeSpan.FromTicks(10)));
        }
        // Nothing is due in the saturating phase: the request after the steady phase waits for the last phase.
        Assert.True(schedule.DueAt(850) >= TimeSpan.FromSeconds(12), schedule.DueAt(850).ToString());
        Assert.Equal(0, schedule.RateAt(TimeSpan.FromSeconds(9)));
        Assert.Equal("capacity", schedule.PhaseAt(TimeSpan.FromSeconds(9)).Name);
    }
}
