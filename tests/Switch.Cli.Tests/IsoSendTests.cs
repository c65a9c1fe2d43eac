using System.CommandLine;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Cli.Tests;

/// <summary><c>swctl iso send</c> against a real ISO 8583 host over TCP (the bank host simulator).</summary>
public sealed class IsoSendTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Swctl.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Send_prints_the_hosts_answer()
    {
        await using var host = new BankHostSimulator(new BankHostOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));
        await host.StartAsync();
        var (code, output, error) = await RunAsync("iso", "send", "--to", host.Endpoint.ToString(), "--mti", "0800",
            "-f", "7=1121101010", "-f", "11=000001", "-f", "70=001");
        Assert.Equal("", error);
        Assert.Equal(0, code);
        Assert.Contains("iso87ascii 0810", output);
        Assert.Matches(@"39\s+Response code\s+00", output);
    }

    [Fact]
    public async Task Send_to_a_closed_port_fails_with_one_clear_line()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var (code, _, error) = await RunAsync("iso", "send", "--to", $"127.0.0.1:{port}", "--mti", "0800", "-f", "11=000001");
        Assert.Equal(1, code);
        Assert.StartsWith("swctl: ", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
