namespace Switch.Node.Admin;

/// <summary>A count added to from any thread without a lock; the sampler takes what was added since its previous take.</summary>
internal sealed class DashboardCounter
{
    private long _total, _taken;

    public void Add(long count) => Interlocked.Add(ref _total, count);

    /// <summary>What was added since the previous call. Called by the sampler only.</summary>
    public long Take()
    {
        var total = Interlocked.Read(ref _total);
        var arrived = total - _taken;
        _taken = total;
        return arrived;
    }
}
