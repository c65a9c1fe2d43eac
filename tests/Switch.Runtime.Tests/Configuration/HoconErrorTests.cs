using Switch.Runtime.Configuration;
using static Switch.Runtime.Tests.Configuration.HoconTestSupport;

namespace Switch.Runtime.Tests.Configuration;

public sealed class HoconErrorTests
{
    private const string ValidDocument = """"
        # The switch's settings.
        include "not-there.conf"
        include file("not-there-either.conf")
        switch {
          node-name = "switch-1"
          journal {
            backend = sqlite, batch-window = 5ms
            path = ${?SWITCH_HOCON_TEST_UNSET}"/var/lib"
          }
          acquirers = [
            { name = acq-a, port = 8583, dialect: iso87ascii }
            { name = "acq b", port = 8584 } { tls = true }
          ]
          description = """multi
        line""" text
          banks.default.timeout = 2 seconds
          banks.default.tags += first
          url = "http://"${switch.node-name}":"${switch.journal.backend}
        }
        switch.journal = ${switch.journal} { batch-size = 64 }
        "quoted.key" : [1, 2.5, -3, true, null, // comment
          []]
        """";

    [Theory]
    [InlineData("a = 1\nb =\n", 2, "b", "expected a value after '=', found the end of the file")]
    [InlineData("a {\n  b = 1\n", 3, "a", "expected '}' to close the object opened at line 1")]
    [InlineData("a { b = 1", 1, "a", "expected '}' to close the object opened at line 1")]
    [InlineData("a = \"\"\"x\n\ny\"\"\"\nb =", 4, "b", "expected a value after '='")]
    [InlineData("a = [1,\n 2", 2, "a", "expected ']' to close the array opened at line 1")]
    [InlineData("a = [1,,2]", 1, "a.1", "expected an element or ']', found ','")]
    [InlineData("a = \"open\nb = 2", 1, "a", "unterminated string")]
    [InlineData("a = \"\"\"open\n\n", 1, "a", "unterminated string")]
    [InlineData("a = \"bad \\q escape\"", 1, "a", "invalid escape '\\q'")]
    [InlineData("a = \"\\u12\"", 1, "a", "'\\u' must be followed by four hexadecimal digits")]
    [InlineData("x = 1\na = b c = d", 2, "a", "unexpected '=' in a value")]
    [InlineData("a = http://example.org", 1, "a", "unexpected ':' in a value")]
    [InlineData("a = 1 + 2", 1, "a", "'+' is only allowed in '+='")]
    [InlineData("a = $x", 1, "a", "'$' is only allowed to start a substitution")]
    [InlineData("a = what?", 1, "a", "'?' is reserved")]
    [InlineData("a = ${b", 1, "a", "expected '}' to close the substitution, found the end of the file")]
    [InlineData("a = ${}", 1, "a", "expected a path in the substitution, found '}'")]
    [InlineData("a..b = 1", 1, null, "'a..b' has an empty key between dots")]
    [InlineData("a\n= 1", 1, null, "expected '=', ':' or '{' after the key 'a', found the end of the line")]
    [InlineData("a = 1 }", 1, null, "unexpected '}' after a value")]
    [InlineData("{ a = 1 } b = 2", 1, null, "after the '}' that closes the root object")]
    [InlineData("[1, 2]", 1, null, "a configuration file holds an object, not an array")]
    [InlineData("a { b { c = [ { d = ] } } }", 1, "a.b.c.0.d", "expected a value after '=', found ']'")]
    [InlineData(", a = 1", 1, null, "expected a key, found ','")]
    [InlineData("a = 1 b = 2", 1, "a", "unexpected '=' in a value")]
    [InlineData("a = {} \"text\"", 1, "a", "cannot concatenate an object with a string")]
    public void Syntax_errors_name_the_file_the_line_and_the_key(string text, int line, string? path, string message)
    {
        var e = ParseFails(text, "hocon/switch.conf");

        Assert.Equal(("hocon/switch.conf", line, path), (e.File, e.Line, e.Path));
        string expectedStart = path is null ? $"hocon/switch.conf:{line}: " : $"hocon/switch.conf:{line}: {path}: ";
        Assert.StartsWith(expectedStart, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Excessive_nesting_is_an_error_not_a_stack_overflow()
    {
        Assert.Contains("nested more than", ParseFails("a = " + new string('[', 100_000)).Message, StringComparison.Ordinal);

        string chain = string.Concat(Enumerable.Range(0, 5000).Select(i => $"a{i} = ${{a{i + 1}}}\n")) + "a5000 = end";
        Assert.Contains("more than 1000 deep", ParseFails(chain).Message, StringComparison.Ordinal);

        string nested = string.Concat(Enumerable.Range(0, 5000).Select(i => $"o{i} {{ next = ${{o{i + 1}}} }}\n")) + "o5000 {}";
        Assert.Contains("more than 1000 deep", ParseFails(nested).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_valid_document_parses()
    {
        var data = Parse(ValidDocument);

        Assert.Equal("/var/lib", data["switch:journal:path"]);
        Assert.Equal("64", data["switch:journal:batch-size"]);
        Assert.Equal("5ms", data["switch:journal:batch-window"]);
        Assert.Equal("true", data["switch:acquirers:1:tls"]);
        Assert.Equal("multi\nline text", data["switch:description"]);
        Assert.Equal("first", data["switch:banks:default:tags:0"]);
        Assert.Equal("http://switch-1:sqlite", data["switch:url"]);
        Assert.Null(data["quoted.key:4"]);
        Assert.Null(data["quoted.key:5"]);
    }

    [Fact]
    public void Every_truncation_of_a_valid_document_parses_or_throws_the_configuration_error()
    {
        for (int length = 0; length <= ValidDocument.Length; length++)
        {
            ParsesOrFailsCleanly(ValidDocument[..length]);
        }
    }

    [Fact]
    public void Random_corruptions_of_a_valid_document_parse_or_throw_the_configuration_error()
    {
        var random = new Random(8583);
        const string Alphabet = "{}[]=:+,$?\"\\#/\n \t.ab1-";
        for (int round = 0; round < 3000; round++)
        {
            char[] text = ValidDocument.ToCharArray();
            for (int edits = random.Next(1, 4); edits > 0; edits--)
            {
                text[random.Next(text.Length)] = Alphabet[random.Next(Alphabet.Length)];
            }

            ParsesOrFailsCleanly(new string(text));
        }
    }

    private static void ParsesOrFailsCleanly(string text)
    {
        try
        {
            Parse(text, "fuzz.conf");
        }
        catch (ConfigurationErrorException e)
        {
            Assert.StartsWith("fuzz.conf:", e.Message, StringComparison.Ordinal);
        }
        catch (Exception e)
        {
            Assert.Fail($"{e.GetType().Name} for the document:\n{text}\n{e}");
        }
    }
}
