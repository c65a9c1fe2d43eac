using System.Buffers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Simulators;

/// <summary>One acquirer-side connection to the bank host: its sign-on state and the answers to what it sends.</summary>
internal sealed class BankHostConnection
{
    private readonly BankHostSimulator _host;
    private readonly BankHostStatistics _statistics;
    private readonly Dialect _dialect;
    private readonly ILogger _logger;
    private readonly FramedConnection _connection;
    private volatile bool _signedOn;

    public BankHostConnection(BankHostSimulator host, Socket socket, long id, ILogger logger)
    {
        _host = host;
        _statistics = host.Statistics;
        _dialect = host.Options.Dialect;
        _logger = logger;
        Id = id;
        Log.Accepted(logger, id, socket.RemoteEndPoint);
        _connection = new FramedConnection(socket, host.Options.Framing, OnFrame);
    }

    public long Id { get; }

    /// <summary>The connection's run, from <see cref="Start"/> until it closes.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.Run(RunAsync);

    public void Close() => _connection.Close();

    private async Task RunAsync()
    {
        try
        {
            switch (await _connection.RunAsync().ConfigureAwait(false))
            {
                case null:
                    Log.Closed(_logger, Id);
                    break;
                case FramingException e:
                    _statistics.CountUnreadableFrame();
                    Log.Failed(_logger, Id, e.Message);
                    break;
                case IOException or SocketException:
                    Log.Reset(_logger, Id);
                    break;
                case var e:
                    Log.Failed(_logger, Id, e.Message);
                    break;
            }
        }
        finally
        {
            _host.Forget(this);
        }
    }

    private bool OnFrame(in Frame frame)
    {
        IsoMessage request;
        try
        {
            request = _dialect.Decode(frame.Body);
        }
        catch (IsoFormatException e)
        {
            return AnswerFormatError(frame.Body, frame.Tpdu, e);
        }

        var mti = request.Mti;
        _statistics.CountReceived(mti);
        Log.Received(_logger, Id, request);
        if (Iso87.IsReversalAdvice(mti)) _statistics.RecordReversalAdvice(request);
        if (mti.IsResponse) return true;
        if (_host.Outage == OutageMode.BlackHole)
        {
            _statistics.CountUnanswered();
            return true;
        }

        var tpdu = frame.Tpdu?.Reply();
        if (Iso87.IsNetworkManagement(mti))
        {
            Send(AnswerNetworkManagement(request), tpdu);
            return true;
        }

        if (!_signedOn)
        {
            _statistics.CountRejectedNotSignedOn();
            Send(request.CreateResponse(ResponseCodes.IssuerUnavailable), tpdu);
            return true;
        }

        return Answer(request, tpdu);
    }

    private bool Answer(IsoMessage request, Tpdu? tpdu)
    {
        var behaviour = _host.Behaviour;
        var draws = _host.NextDraws();
        string responseCode;
        Latency latency;
        if (behaviour.FindRule(request) is { } rule)
        {
            if (rule.NeverAnswer)
            {
                _statistics.CountUnanswered();
                return true;
            }

            responseCode = rule.ResponseCode;
            latency = rule.Latency ?? behaviour.Latency;
        }
        else
        {
            if (behaviour.DisconnectRatio > 0 && draws.Next(Draw.Disconnect) < behaviour.DisconnectRatio)
            {
                _statistics.CountDisconnect();
                Log.Disconnecting(_logger, Id, request.Mti);
                return false;
            }

            if (behaviour.TimeoutRatio > 0 && draws.Next(Draw.Timeout) < behaviour.TimeoutRatio)
            {
                _statistics.CountUnanswered();
                return true;
            }

            responseCode = Iso87.IsCardRequest(request.Mti) && behaviour.HasDeclines
                ? behaviour.ResponseCodeFor(draws.Next(Draw.Decline))
                : ResponseCodes.Approved;
            latency = behaviour.Latency;
        }

        var response = CreateResponse(request, responseCode, behaviour, draws.Sequence);
        var delay = latency.Sample(draws);
        if (delay > TimeSpan.Zero) _ = SendLaterAsync(response, tpdu, delay);
        else Send(response, tpdu);
        return true;
    }

    private static IsoMessage CreateResponse(IsoMessage request, string responseCode, BankHostBehaviour behaviour, long sequence)
    {
        var response = request.CreateResponse(responseCode);
        if (responseCode != ResponseCodes.Approved || !Iso87.IsCardRequest(request.Mti)) return response;

        Span<byte> approvalCode = stackalloc byte[6];
        var code = sequence % 1_000_000;
        for (var i = approvalCode.Length - 1; i >= 0; i--, code /= 10) approvalCode[i] = (byte)('0' + code % 10);
        response.Set(38, approvalCode);

        if (request.TryGet(3, out var processingCode) && processingCode.StartsWith("31"u8))
        {
            // DE 54: account type (the "from" account of DE 3), amount type 02 available balance, currency, sign, amount.
            response.Set(54, $"{request.ProcessingCode![2..4]}02{request.Currency ?? "840"}C{behaviour.AvailableBalance:D12}");
        }

        return response;
    }

    private IsoMessage AnswerNetworkManagement(IsoMessage request)
    {
        request.TryGet(70, out var code);
        var responseCode = ResponseCodes.Approved;
        if (code.SequenceEqual("001"u8)) _signedOn = true;
        else if (code.SequenceEqual("002"u8)) _signedOn = false;
        else if (!code.SequenceEqual("301"u8)) responseCode = ResponseCodes.InvalidTransaction;

        var response = request.CreateResponse(responseCode);
        if (!code.IsEmpty) response.Set(70, code);
        return response;
    }

    private bool AnswerFormatError(ReadOnlySequence<byte> body, Tpdu? tpdu, IsoFormatException error)
    {
        var readable = _dialect.DecodeReadable(body.ToArray());
        if (readable is null || readable.Mti.IsResponse)
        {
            _statistics.CountUnreadableFrame();
            Log.Unreadable(_logger, Id, body.Length, error.Message);
            return false;
        }

        _statistics.CountReceived(readable.Mti);
        _statistics.CountFormatError();
        Log.FormatError(_logger, Id, readable.Mti, error.Message);
        if (_host.Outage == OutageMode.BlackHole)
        {
            _statistics.CountUnanswered();
            return true;
        }

        // The fields read before the bad one (STAN, terminal) let the sender match the answer.
        Send(readable.CreateResponse(ResponseCodes.FormatError), tpdu?.Reply());
        return true;
    }

    private async Task SendLaterAsync(IsoMessage response, Tpdu? tpdu, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _connection.Closing).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Send(response, tpdu);
    }

    private void Send(IsoMessage response, Tpdu? tpdu)
    {
        // An outage that began while the answer waited out its latency swallows it too.
        if (_host.Outage == OutageMode.BlackHole)
        {
            _statistics.CountUnanswered();
            return;
        }

        // Counted first, so that whoever receives the answer finds it counted.
        _statistics.CountAnswered();
        _connection.Send(response, tpdu);
    }
}
