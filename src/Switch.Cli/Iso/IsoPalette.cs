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

    private static Command Encode()
    {
        var mti = new Option<string>("--mti") { Description = "Message type indicator, e.g. 0200", Required = true };
        var fields = new Option<string[]>("--field", "-f")
        {
            Description = "A field as PATH=VALUE, e.g. -f 2=4761739001010010 -f 127.2=KEY (b fields in hex); repeatable",
            AllowMultipleArgumentsPerToken = true,
        };
        var dialect = DialectOption();
        var command = new Command("encode", "Build a message from field values and print it in hex") { mti, fields, dialect };
        command.SetAction(result => Run(result, () =>
        {
            var message = Dialects.Get(result.GetValue(dialect)!).CreateMessage(Mti.Parse(result.GetValue(mti)));
            foreach (var assignment in result.GetValue(fields) ?? [])
            {
                var equals = assignment.IndexOf('=');
                if (equals <= 0) throw new ArgumentException($"'{assignment}' is not PATH=VALUE");
                message.Set(assignment[..equals], assignment[(equals + 1)..]);
            }
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(Swctl.Json))
                output.WriteLine(JsonSerializer.Serialize(new { hex = Convert.ToHexString(message.Encode()) }));
            else
                output.WriteLine(Convert.ToHexString(message.Encode()));
        }));
        return command;
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
