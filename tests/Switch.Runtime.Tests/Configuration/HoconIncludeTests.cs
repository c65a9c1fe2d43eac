using Switch.Runtime.Configuration;

namespace Switch.Runtime.Tests.Configuration;

public sealed class HoconIncludeTests : IDisposable
{
    private readonly HoconTestSupport files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public void Includes_are_relative_to_the_including_file_in_every_form()
    {
        files.Write("conf/main.conf", """
            a = 0
            include "parts/one.conf"
            include file("parts/two.conf")
            include required("parts/three.conf")
            include required(file("parts/four.conf"))
            include required( file( "parts/five.conf" ) )
            """);
        files.Write("conf/parts/one.conf", "a = 1\none = 1\ninclude \"sibling.conf\"");
        files.Write("conf/parts/sibling.conf", "sibling = yes");
        files.Write("conf/parts/two.conf", "two = 2");
        files.Write("conf/parts/three.conf", "three = 3");
        files.Write("conf/parts/four.conf", "four = 4");
        files.Write("conf/parts/five.conf", "five = 5");

        var config = files.Build("conf/main.conf");

        Assert.Equal(["1", "1", "yes", "2", "3", "4", "5"], new[] { "a", "one", "sibling", "two", "three", "four", "five" }.Select(k => config[k]));
    }

    [Fact]
    public void Fields_after_an_include_override_it_and_fields_before_are_overridden()
    {
        files.Write("main.conf", "a = main\nb = main\ninclude \"inc.conf\"\nb = after");
        files.Write("inc.conf", "a = inc\nb = inc");

        var config = files.Build("main.conf");

        Assert.Equal(("inc", "after"), (config["a"], config["b"]));
    }

    [Fact]
    public void An_include_inside_an_object_nests_the_included_keys_and_substitutions()
    {
        files.Write("main.conf", """
            top = root-level
            switch {
              journal { include "journal.conf" }
            }
            """);
        files.Write("journal.conf", "backend = sqlite\nalias = ${backend}\nfallback = ${top}");

        var config = files.Build("main.conf");

        Assert.Equal("sqlite", config["switch:journal:backend"]);
        Assert.Equal("sqlite", config["switch:journal:alias"]);
        Assert.Equal("root-level", config["switch:journal:fallback"]);
        Assert.Equal(files.PathOf("journal.conf") + ":1", config.OriginOf("switch:journal:backend"));
    }

    [Fact]
    public void A_missing_include_is_ignored_unless_required()
    {
        files.Write("main.conf", "a = 1\ninclude \"missing.conf\"\ninclude file(\"missing.conf\")");
        files.Write("strict.conf", "a = 1\n\ninclude required(\"missing.conf\")");

        Assert.Equal("1", files.Build("main.conf")["a"]);
        var e = Assert.Throws<ConfigurationErrorException>(() => files.Build("strict.conf"));
        Assert.StartsWith($"{files.PathOf("strict.conf")}:3: required include \"missing.conf\" not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_cycles_are_errors_naming_the_chain()
    {
        files.Write("a.conf", "x = 1\ninclude \"b.conf\"");
        files.Write("b.conf", "include \"a.conf\"");
        files.Write("self.conf", "include \"self.conf\"");

        var e = Assert.Throws<ConfigurationErrorException>(() => files.Build("a.conf"));
        Assert.Equal($"{files.PathOf("b.conf")}:1: include cycle: {files.PathOf("a.conf")} -> {files.PathOf("b.conf")} -> {files.PathOf("a.conf")}", e.Message);
        Assert.Contains("include cycle", Assert.Throws<ConfigurationErrorException>(() => files.Build("self.conf")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_file_may_be_included_twice_when_it_is_not_a_cycle()
    {
        files.Write("main.conf", "a { include \"common.conf\" }\nb { include \"common.conf\" }");
        files.Write("common.conf", "x = 1");

        var config = files.Build("main.conf");

        Assert.Equal(("1", "1"), (config["a:x"], config["b:x"]));
    }

    [Fact]
    public void Errors_in_an_included_file_name_that_file_and_its_line()
    {
        files.Write("main.conf", "switch {\n  include \"bad.conf\"\n}");
        files.Write("bad.conf", "ok = 1\nport =\n");

        var e = Assert.Throws<ConfigurationErrorException>(() => files.Build("main.conf"));

        Assert.Equal($"{files.PathOf("bad.conf")}:2: switch.port: expected a value after '=', found the end of the file", e.Message);
    }

    [Theory]
    [InlineData("include url(\"http://example.org/x.conf\")", "only file includes are supported")]
    [InlineData("include classpath(\"x.conf\")", "only file includes are supported")]
    [InlineData("include = 5", "expected a quoted file name after 'include'")]
    [InlineData("include required(\"x.conf\"", "expected include \"name\"")]
    [InlineData("include \"\"", "an include needs a file name")]
    public void Malformed_includes_are_errors(string text, string message)
    {
        files.Write("main.conf", "a = 1\n" + text);

        var e = Assert.Throws<ConfigurationErrorException>(() => files.Build("main.conf"));

        Assert.Equal(2, e.Line);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_top_level_file_is_an_error_naming_it()
    {
        var e = Assert.Throws<ConfigurationErrorException>(() => files.Build("nope.conf"));

        Assert.Equal($"{files.PathOf("nope.conf")}: cannot read the file: not found", e.Message);
    }
}
