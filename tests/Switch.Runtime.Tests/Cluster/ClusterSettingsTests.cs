using Microsoft.Extensions.Configuration;
using Switch.Runtime.Cluster;
using Switch.Runtime.Configuration;

namespace Switch.Runtime.Tests.Cluster;

public sealed class ClusterSettingsTests
{
    private static string ReferenceConf()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Switch.sln")))
                return Path.Combine(directory.FullName, "hocon", "reference.conf");
        throw new InvalidOperationException($"no Switch.sln above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void The_defaults_are_those_of_reference_conf()
    {
        var c = new ConfigurationBuilder().AddHocon(ReferenceConf()).Build();
        const string k = "switch:cluster";
        var d = ClusterSettings.Default;
        Assert.Equal(d.Enabled, c.GetBool($"{k}:enabled"));
        Assert.Equal(d.DataCentre, c.GetString($"{k}:data-centre"));
        Assert.Equal(d.Roles, c.GetSection($"{k}:roles").GetChildren().Select(r => r.Value));
        Assert.Equal(d.HeartbeatInterval, c.GetDuration($"{k}:heartbeat-interval"));
        Assert.Equal(d.HeartbeatTimeout, c.GetDuration($"{k}:heartbeat-timeout"));
        Assert.Equal(d.LeaseTtl, c.GetDuration($"{k}:lease-ttl"));
        Assert.Equal(d.LeaseRenewInterval, c.GetDuration($"{k}:lease-renew-interval"));
        Assert.Equal(d.RebalanceInterval, c.GetDuration($"{k}:rebalance-interval"));
        Assert.Equal(d.RebalanceThreshold, c.GetInt($"{k}:rebalance-threshold"));
        Assert.Equal(d.MaxSimultaneousMoves, c.GetInt($"{k}:max-simultaneous-moves"));
        Assert.Equal(d.ConnectTimeout, c.GetDuration($"{k}:connect-timeout"));
        Assert.Equal(d.OperationTimeout, c.GetDuration($"{k}:operation-timeout"));
        Assert.Equal(d.HandOffTimeout, c.GetDuration($"{k}:hand-off-timeout"));
        var documented = c.GetSection(k).AsEnumerable(makePathsRelative: true).Where(p => p.Value is not null).Select(p => p.Key).Order();
        Assert.Equal(
            ["connect-timeout", "data-centre", "enabled", "hand-off-timeout", "heartbeat-interval", "heartbeat-timeout", "lease-renew-interval",
             "lease-ttl", "max-simultaneous-moves", "operation-timeout", "rebalance-interval", "rebalance-threshold"],
            documented); // every setting is read above (roles is an empty list)
        d.Validate();
    }

    [Fact]
    public void Settings_that_would_let_a_silent_node_keep_serving_or_flap_are_refused()
    {
        var d = ClusterSettings.Default;
        Assert.Equal("LeaseTtl", Assert.ThrowsAny<ArgumentException>(() => (d with { LeaseTtl = TimeSpan.FromSeconds(3) }).Validate()).ParamName);
        Assert.Equal("LeaseRenewInterval", Assert.ThrowsAny<ArgumentException>(() => (d with { LeaseRenewInterval = TimeSpan.FromSeconds(1.5) }).Validate()).ParamName);
        Assert.Equal("HeartbeatTimeout", Assert.ThrowsAny<ArgumentException>(() => (d with { HeartbeatTimeout = TimeSpan.FromSeconds(0.9) }).Validate()).ParamName);
        Assert.Equal("RebalanceThreshold", Assert.ThrowsAny<ArgumentException>(() => (d with { RebalanceThreshold = 1 }).Validate()).ParamName);
        Assert.Equal("MaxSimultaneousMoves", Assert.ThrowsAny<ArgumentException>(() => (d with { MaxSimultaneousMoves = 0 }).Validate()).ParamName);
        Assert.Equal("Schema", Assert.ThrowsAny<ArgumentException>(() => (d with { Schema = "bad schema" }).Validate()).ParamName);
        Assert.Equal("DataCentre", Assert.ThrowsAny<ArgumentException>(() => (d with { DataCentre = " " }).Validate()).ParamName);
        Assert.Equal("OperationTimeout", Assert.ThrowsAny<ArgumentException>(() => (d with { OperationTimeout = TimeSpan.Zero }).Validate()).ParamName);
    }
}
