using System.Net;
using System.Text.RegularExpressions;
using Switch.Node.Tests.EndToEnd;

namespace Switch.Node.Tests.Admin;

/// <summary>The real switch-node process: it logs where the admin endpoint listens, and every change with who made it and from where, never a card number.</summary>
public sealed partial class AdminLogTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switch-admin-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Changes_are_logged_with_the_operator_and_address_and_card_numbers_never_appear()
    {
        await using var bank = await BankSimulator.StartAsync();
        var config = Path.Combine(_directory, "admin.conf");
        await File.WriteAllTextAsync(config, $$"""
            switch {
              node.data-dir = "{{_directory}}"
              logging.file = ""
              security.card-data-key = "{{TestNode.CardDataKey}}"
              admin { port = 0, token = "{{TestNode.AdminToken}}" }
              acquirers = [ { name = log-acquirer, acquirer-id = "000099", port = 0 } ]
              channels = [ {{BankSimulator.Channel("bank-a-1", "bank-a", bank)}} ]
              bin-table = [ { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] } ]
              products { classic {} }
            }
            """);
        await using var node = await NodeProcess.StartAsync(config);
        var endpoint = IPEndPoint.Parse(AdminLine().Match(node.Output).Groups[1].Value);
        using var admin = new AdminHttp(endpoint);
        const string pan = "4761739001010010";

        (await admin.PostAsync("channels/bank-a-1/isolate")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync("route", $$"""{"pan": "{{pan}}"}""")).Expect(HttpStatusCode.OK);
        (await admin.PostAsync("account", $$"""{"key_or_pan": "{{pan}}"}""")).Expect(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"channels/{pan}")).Status);
        using (var intruder = new AdminHttp(endpoint, token: "guess"))
            Assert.Equal(HttpStatusCode.Forbidden, (await intruder.PostAsync("channels/bank-a-1/close")).Status);
        Assert.Equal(0, await node.TerminateAsync());

        var log = node.Output;
        Assert.Contains($"admin: {AdminHttp.Operator} from 127.0.0.1: isolated channel bank-a-1 (breaker now isolated)", log);
        Assert.Contains("admin: call from 127.0.0.1 refused: wrong admin token", log);
        Assert.DoesNotContain(pan, log);
    }

    [GeneratedRegex(@"admin endpoint listening on (\S+)")]
    private static partial Regex AdminLine();
}
