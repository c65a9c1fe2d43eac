using System.Diagnostics;

namespace Switch.Runtime.Tests.Scheduling;

internal static class TimerTestSupport
{
    /// <summary>Generous bound for "eventually": far above a tick, still fails a hung wheel quickly.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>How late a timer may fire on a loaded CI machine before the test calls the wheel broken.</summary>
    public static readonly TimeSpan Lateness = TimeSpan.FromSeconds(2);

    public static bool WaitUntil(Func<bool> condition, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        TimeSpan limit = timeout ?? Patience;
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                return false;
            }

            Thread.Sleep(2);
        }

        return true;
    }
}
