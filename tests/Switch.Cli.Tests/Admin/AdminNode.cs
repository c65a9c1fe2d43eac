using System.CommandLine;
using Switch.Node.Tests;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;
using Switch.Simulators;

namespace Switch.Cli.Tests.Admin;

/// <summary>
/// A node for swctl to steer, in this process: channels bank-a-1 (bank a, first) and bank-b-1 (bank b, second) for
/// cards 476173, each on its own bank host simulator, and on-us cards 627700.
/// </summary>
internal sealed class AdminNode : IAsyncDisposable
{
    public const string Pan = "4761739001010010";

    private readonly BankHostSimulator[] _banks;

    private AdminNode(TestNode node, BankHostSimulator[] banks)
    {
        Node = node;
        _banks = banks;
    }

    public TestNode Node { get; }

    public string Address => Node.AdminEndpoint.ToString();

    public static async Task<AdminNode> StartAsync()
    {
        var banks = new[] { await StartBankAsync(), await StartBankAsync() };
        var node = await TestNode.StartAsync($$"""
            channels = [
              { name = bank-a-1, bank = bank-a, port = {{banks[0].Endpoint.Port}}, reconnect-delay = 200ms }
              { name = bank-b-1, bank = bank-b, port = {{banks[1].Endpoint.Port}}, reconnect-delay = 200ms }
            ]
            bin-table = [
              { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1, priority = 1 }, { channel = bank-b-1, priority = 2 } ] }
              { range = "627700", issuer = switch, product = prepaid, on-us = true }
            ]
            products {
              classic {}
              prepaid { opening-balance = 100000 }
            }
            """);
        return new AdminNode(node, banks);
    }

    private static async Task<BankHostSimulator> StartBankAsync()
    {
        var bank = new BankHostSimulator(new BankHostOptions(Dialects.Iso87Ascii, FrameFormat.Binary2));
        await bank.StartAsync();
        return bank;
    }

    /// <summary>Runs swctl with this node's address and token (unless <paramref name="args"/> give their own).</summary>
    public Task<(int Code, string Output, string Error)> SwctlAsync(params string[] args) =>
        RunAsync([.. args, .. args.Contains("--node") ? Array.Empty<string>() : ["--node", Address],
            .. args.Contains("--token") ? Array.Empty<string>() : ["--token", TestNode.AdminToken]]);

    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Swctl.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        foreach (var bank in _banks)
            await bank.DisposeAsync();
        Node.DeleteDirectory();
    }
}
