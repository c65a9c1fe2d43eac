namespace Switch.Simulators;

/// <summary>What a draw decides; each has its own stream so that changing one ratio leaves the other choices as they were.</summary>
internal enum Draw
{
    Disconnect,
    Timeout,
    Decline,
    Latency,
    LatencyShape,
}

/// <summary>
/// Uniform draws in [0, 1) that depend only on the seed, the request's sequence number and the <see cref="Draw"/>
/// (SplitMix64 over the three): the Nth request of a run makes the same choices whichever connection it came on
/// and however requests interleave, with no shared random generator and no lock.
/// </summary>
internal readonly struct SeededDraws(ulong seedHash, long sequence)
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The request's sequence number in the run, from 1.</summary>
    public long Sequence => sequence;

    public static ulong HashSeed(int seed) => Mix((ulong)seed * Golden);

    public double Next(Draw purpose) =>
        (Mix(seedHash + (((ulong)sequence << 3) + (ulong)purpose) * Golden) >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
