using Switch.Actors.Transactions;

namespace Switch.LoadTest.Load;

/// <summary>One request as the acquirer side saw it: its transaction key's parts and the answer it finally got.</summary>
internal sealed class LedgerEntry(string terminal, string stan, string transmissionDateTime, TransactionKind kind, int channel)
{
    private string? _responseCode;

    public string Terminal => terminal;

    public string Stan => stan;

    public string TransmissionDateTime => transmissionDateTime;

    public TransactionKind Kind => kind;

    public int Channel => channel;

    /// <summary>The answer's response code, null while (or if never) answered.</summary>
    public string? ResponseCode => Volatile.Read(ref _responseCode);

    public void Answer(string responseCode) => Volatile.Write(ref _responseCode, responseCode);

    /// <summary>The switch's transaction key for this request from <paramref name="acquirerId"/>.</summary>
    public string Key(string acquirerId) => $"{acquirerId}|{terminal}|{stan}|{transmissionDateTime}";
}
