using System.CommandLine;
using System.Text.Json;
using Switch.Protocol.Framing;
using Switch.Protocol.Iso8583;

namespace Switch.Cli.Iso;

/// <summary><c>swctl iso</c>: decode and encode captured ISO 8583 messages offline, with PANs masked and secrets hidden.</summary>
internal static class IsoPalette
{
    public static Command Create()
    {
        var iso = new Command("iso", "Decode and encode ISO 8583 messages");
        iso.Subcommands.Add(Decode());
        iso.Subcommands.Add(Encode());
        iso.Subcommands.Add(Send());
        iso.Subcommands.Add(ListDialects());
        return iso;
    }

    private static Option<string> DialectOption() => new("--dialect", "-d")
    {
        Description = "Dialect: " + string.Join(", ", Dialects.All.Select(d => d.Name)),
        DefaultValueFactory = _ => Dialects.Iso87Ascii.Name,
    };

    private static Option<string?> FramingOption() => new("--framing")
    {
        Description = "The hex starts with a frame header to strip: binary2, binary2-inclusive, ascii4, bcd2, binary4, visa",
    };

    private static Command Decode()
    {
        var hex = new Argument<string>("hex") { Description = "The message in hex (spaces allowed)" };
        var dialect = DialectOption();
        var framing = FramingOption();
        var command = new Command("decode", "Decode a captured message: fields, names and values (PAN masked, secrets hidden)") { hex, dialect, framing };
        command.SetAction(result => Run(result, () =>
        {
            var bytes = ParseHex(result.GetValue(hex)!);
            var framingName = result.GetValue(framing);
            if (framingName is not null) bytes = Unframe(bytes, FrameFormat.Parse(framingName));
            var message = Dialects.Get(result.GetValue(dialect)!).Decode(bytes);
            Print(result, message);
        }));
        return command;
    }

    private static Option<string> MtiOption() => new("--mti") { Description = "Message type indicator, e.g. 0200", Required = true };

    private static Option<string[]> FieldsOption() => new("--field", "-f")
    {
        Description = "A field as PATH=VALUE, e.g. -f 2=4761739001010010 -f 127.2=KEY (b fields in hex); repeatable",
        AllowMultipleArgumentsPerToken = true,
    };

    private static IsoMessage Build(ParseResult result, Option<string> dialect, Option<string> mti, Option<string[]> fields)
    {
        var message = Dialects.Get(result.GetValue(dialect)!).CreateMessage(Mti.Parse(result.GetValue(mti)));
        foreach (var assignment in result.GetValue(fields) ?? [])
        {
            var equals = assignment.IndexOf('=');
            if (equals <= 0) throw new ArgumentException($"'{assignment}' is not PATH=VALUE");
            message.Set(assignment[..equals], assignment[(equals + 1)..]);
        }
        return message;
    }

    private static Command Encode()
    {
        var mti = MtiOption();
        var fields = FieldsOption();
        var dialect = DialectOption();
        var command = new Command("encode", "Build a message from field values and print it in hex") { mti, fields, dialect };
        command.SetAction(result => Run(result, () =>
        {
            var message = Build(result, dialect, mti, fields);
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(Swctl.Json))
                output.WriteLine(JsonSerializer.Serialize(new { hex = Convert.ToHexString(message.Encode()) }));
            else
                output.WriteLine(Convert.ToHexString(message.Encode()));
        }));
        return command;
    }

    private static Command Send()
    {
        var to = new Option<string>("--to") { Description = "The switch's acquirer listener, host:port", Required = true };
        var mti = MtiOption();
        var fields = FieldsOption();
        var dialect = DialectOption();
        var framing = new Option<string>("--framing") { Description = "The listener's framing", DefaultValueFactory = _ => "binary2" };
        var timeout = new Option<int>("--timeout-ms") { Description = "How long to wait for the answer", DefaultValueFactory = _ => 10_000 };
        var command = new Command("send", "Send one message to a switch as an acquirer would and print the answer (PAN masked)") { to, mti, fields, dialect, framing, timeout };
        command.SetAction(async (result, cancellation) => await RunAsync(result, async () =>
        {
            var request = Build(result, dialect, mti, fields);
            var format = FrameFormat.Parse(result.GetValue(framing)!);
            var endpoint = System.Net.IPEndPoint.Parse(result.GetValue(to)!);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            deadline.CancelAfter(result.GetValue(timeout));
            var answer = await Exchange(endpoint, format, request, deadline.Token);
            Print(result, answer);
        }));
        return command;
    }

    /// <summary>Connects, sends one framed message and reads frames until a response arrives.</summary>
    private static async Task<IsoMessage> Exchange(System.Net.IPEndPoint endpoint, FrameFormat format, IsoMessage request, CancellationToken cancellation)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, cancellation);
        await using var stream = new System.Net.Sockets.NetworkStream(socket);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WriteMessage(output, format, request.Encode(), format.HasTpdu ? new Tpdu(0x60, 0, 0) : null);
        await stream.WriteAsync(output.WrittenMemory, cancellation);
        var reader = System.IO.Pipelines.PipeReader.Create(stream);
        var frames = new FrameReader(format);
        while (true)
        {
            var read = await reader.ReadAsync(cancellation);
            var buffer = read.Buffer;
            while (frames.TryRead(ref buffer, out var frame) is var result && result != FrameReadResult.NeedMoreData)
            {
                if (result != FrameReadResult.Message) continue;
                var message = request.Dialect.Decode(frame.Body);
                if (message.Mti.IsResponse) return message;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted) throw new IOException("the switch closed the connection without answering");
        }
    }

    private static Command ListDialects()
    {
        var command = new Command("dialects", "List the built-in dialects");
        command.SetAction(result => Run(result, () =>
        {
            var rows = Dialects.All.Select(d => new[] { d.Name, d.Description }).ToList();
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(Swctl.Json))
                output.WriteLine(JsonSerializer.Serialize(Dialects.All.Select(d => new { name = d.Name, description = d.Description })));
            else
                Table.Write(output, ["DIALECT", "DESCRIPTION"], rows);
        }));
        return command;
    }

    private static void Print(ParseResult result, IsoMessage message)
    {
        var output = result.InvocationConfiguration.Output;
        var fields = message.MaskedFields();
        if (result.GetValue(Swctl.Json))
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                dialect = message.Dialect.Name,
                mti = message.Mti.ToString(),
                fields = fields.Select(f => new { path = f.Path, name = f.Name, value = f.Value }),
            }));
            return;
        }
        output.WriteLine($"{message.Dialect.Name} {message.Mti}");
        Table.Write(output, ["FIELD", "NAME", "VALUE"], fields.Select(f => new[] { f.Path, f.Name, f.Value }).ToList());
    }

    private static byte[] ParseHex(string text)
    {
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        try
        {
            return Convert.FromHexString(compact);
        }
        catch (FormatException)
        {
            throw new ArgumentException("the message is not hexadecimal (two hex digits a byte)");
        }
    }

    private static byte[] Unframe(byte[] bytes, FrameFormat format)
    {
        var buffer = new System.Buffers.ReadOnlySequence<byte>(bytes);
        var reader = new FrameReader(format);
        if (reader.TryRead(ref buffer, out var frame) != FrameReadResult.Message)
            throw new ArgumentException("the bytes do not hold one whole framed message");
        return System.Buffers.BuffersExtensions.ToArray(frame.Body);
    }

    /// <summary>Runs an asynchronous command body; network failures print one clear line and exit 1 too.</summary>
    private static async Task<int> RunAsync(ParseResult result, Func<Task> body)
    {
        try
        {
            await body();
            return 0;
        }
        catch (Exception e) when (e is IsoFormatException or FramingException or ArgumentException or FormatException
                                      or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            result.InvocationConfiguration.Error.WriteLine(e is OperationCanceledException ? "swctl: no answer in time" : $"swctl: {e.Message}");
            return 1;
        }
    }

    /// <summary>Runs a command body; expected failures print one clear line and exit 1.</summary>
    private static int Run(ParseResult result, Action body)
    {
        try
        {
            body();
            return 0;
        }
        catch (Exception e) when (e is IsoFormatException or FramingException or ArgumentException or FormatException)
        {
            result.InvocationConfiguration.Error.WriteLine($"swctl: {e.Message}");
            return 1;
        }
    }
}
