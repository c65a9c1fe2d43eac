using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;

namespace Switch.Cli.Tests;

public class IsoPaletteTests
{
    private const string Pan = "4761739001010119";

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Swctl.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static string EncodedPurchase(string dialect) =>
        Run("iso", "encode", "--dialect", dialect, "--mti", "0200", "-f", $"2={Pan}", "-f", "4=1000", "-f", "41=TERM0001",
            "-f", $"35={Pan}=2912101", "-f", "52=0011223344556677").Output.Trim();

    [Theory]
    [InlineData("iso87ascii")]
    [InlineData("iso87binary")]
    [InlineData("postilion")]
    [InlineData("iso93ascii")]
    public void Encode_then_decode_shows_the_fields_with_the_pan_masked_and_secrets_hidden(string dialect)
    {
        var hex = EncodedPurchase(dialect);

        var (code, output, error) = Run("iso", "decode", hex, "--dialect", dialect);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains($"{dialect} 0200", output);
        Assert.Contains("476173******0119", output);
        Assert.Contains("000000001000", output);
        Assert.Contains("TERM0001", output);
        Assert.Contains("[secret]", output);
        Assert.DoesNotContain(Pan, output);
        Assert.DoesNotContain("0011223344556677", output);
    }

    [Fact]
    public void Json_output_parses_back()
    {
        var hex = EncodedPurchase("postilion");

        var (code, output, _) = Run("iso", "decode", hex, "--dialect", "postilion", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("0200", json.RootElement.GetProperty("mti").GetString());
        var fields = json.RootElement.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("value").GetString());
        Assert.Equal("476173******0119", fields["2"]);
        Assert.Equal("TERM0001", fields["41"]);
    }

    [Fact]
    public void Framed_hex_is_unframed_first()
    {
        var hex = EncodedPurchase("iso87ascii");
        var framed = (hex.Length / 2).ToString("X4") + hex;

        var (code, output, _) = Run("iso", "decode", framed, "--framing", "binary2");

        Assert.Equal(0, code);
        Assert.Contains("TERM0001", output);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("3032")]
    [InlineData("30323030F000")]
    public void Bad_input_exits_non_zero_with_one_clear_line(string hex)
    {
        var (code, output, error) = Run("iso", "decode", hex);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("swctl: ", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Unknown_dialect_and_bad_field_are_refused()
    {
        Assert.Contains("unknown dialect", Run("iso", "decode", "00", "--dialect", "nope").Error);
        var badField = Run("iso", "encode", "--mti", "0200", "-f", "3=12X456");
        Assert.Equal(1, badField.Code);
        Assert.Contains("field 3", badField.Error);
    }

    [Fact]
    public void Swctl_runs_as_a_real_process()
    {
        var swctl = Path.Combine(AppContext.BaseDirectory, "swctl.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", swctl, "iso", "dialects", "--json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "swctl did not exit");

        Assert.Equal(0, process.ExitCode);
        var names = JsonDocument.Parse(output).RootElement.EnumerateArray().Select(d => d.GetProperty("name").GetString());
        Assert.Equal(["iso87ascii", "iso87binary", "postilion", "iso93ascii"], names);
    }
}
