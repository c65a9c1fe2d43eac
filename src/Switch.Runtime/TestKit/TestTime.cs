using System.Globalization;

namespace Switch.Runtime.TestKit;

/// <summary>
/// Test timeouts scaled for slow machines: every expectation multiplies its wait by <see cref="Factor"/>, read from
/// the SWITCH_TEST_TIME_FACTOR environment variable (default 1).
/// </summary>
public static class TestTime
{
    /// <summary>The scale factor for test timeouts.</summary>
    public static double Factor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("SWITCH_TEST_TIME_FACTOR"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0 ? f : 1;

    /// <summary><paramref name="duration"/> scaled by <see cref="Factor"/>.</summary>
    public static TimeSpan Dilated(TimeSpan duration) => duration * Factor;

    /// <summary>
    /// Repeats <paramref name="assertion"/> until it stops throwing or <paramref name="max"/> (scaled) has passed,
    /// then throws its last failure.
    /// </summary>
    public static void AwaitAssert(Action assertion, TimeSpan? max = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + Dilated(max ?? TimeSpan.FromSeconds(3));
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(interval ?? TimeSpan.FromMilliseconds(20));
            }
        }
    }
}

/// <summary>An expectation of the test kit that was not met.</summary>
public sealed class TestKitException(string message) : Exception(message);
