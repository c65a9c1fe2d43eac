using Switch.Actors.Transactions;
using Switch.Runtime.Tests.Postgres;
using Switch.Simulators;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>The same flow with the journal on a real PostgreSQL (a private server the tests start; CI must have it).</summary>
public sealed class PostgresJournalTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly Card OffUs = new("4761739001010010", "2912");
    private static readonly Card OnUs = new("6277000000000017", "2912");
    private readonly TransactionFactory _factory = new(Protocol.Iso8583.Dialects.Iso87Ascii);
    private PostgresServer _server = null!;
    private BankHostSimulator _bank = null!;
    private string _connectionString = null!;

    public async Task InitializeAsync()
    {
        _server = PostgresServer.Start();
        _connectionString = _server.CreateDatabase("switch_e2e");
        _bank = await BankSimulator.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _bank.DisposeAsync();
        _server.Dispose();
    }

    [Fact]
    public async Task Transactions_are_journaled_in_PostgreSQL_and_survive_a_restart()
    {
        var node = await TestNode.StartAsync($$"""
            journal.backend = postgres
            journal.postgres.connection-string = "{{_connectionString}}"
            channels = [ {{BankSimulator.Channel("bank-a-1", "bank-a", _bank)}} ]
            bin-table = [
              { range = "476173", issuer = bank-a, product = classic, candidates = [ { channel = bank-a-1 } ] }
              { range = "627700", issuer = switch, product = prepaid, on-us = true }
            ]
            products { classic {}, prepaid { opening-balance = 10000 } }
            """);
        var purchase = _factory.Purchase(OffUs, 1000);
        Protocol.Iso8583.IsoMessage first;
        try
        {
            await using var client = await node.ConnectAsync();
            first = await client.SendAsync(purchase, Timeout);
            Assert.Equal(ResponseCodes.Approved, first.ResponseCode);
            Assert.Equal(ResponseCodes.Approved, (await client.SendAsync(_factory.Purchase(OnUs, 4000), Timeout)).ResponseCode);
        }
        finally
        {
            await node.DisposeAsync();
        }

        var restarted = await TestNode.RestartAsync(node);
        try
        {
            await using var client = await restarted.ConnectAsync();
            var repeat = await client.SendAsync(purchase, Timeout);
            Assert.Equal(first.ApprovalCode, repeat.ApprovalCode);
            Assert.Equal(1, _bank.Statistics.Received(new Protocol.Iso8583.Mti(200)));
            Assert.Equal(6000, (await restarted.Node.Payments.ShowAccountAsync(OnUs.Pan, Timeout)).Balance);
            await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM journal WHERE manifest = 'account.transaction-decided.v1'", connection);
            Assert.Equal(2L, (long)(await count.ExecuteScalarAsync())!);
            await using var clear = new Npgsql.NpgsqlCommand("SELECT count(*) FROM journal WHERE position('4761739001010010'::bytea in payload) > 0", connection);
            Assert.Equal(0L, (long)(await clear.ExecuteScalarAsync())!); // no PAN in clear
        }
        finally
        {
            await restarted.DisposeAsync();
            restarted.DeleteDirectory();
        }
    }
}
