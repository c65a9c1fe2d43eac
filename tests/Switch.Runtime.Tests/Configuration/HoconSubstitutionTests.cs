using static Switch.Runtime.Tests.Configuration.HoconTestSupport;

namespace Switch.Runtime.Tests.Configuration;

public sealed class HoconSubstitutionTests
{
    [Fact]
    public void Substitutions_resolve_against_the_whole_root_including_later_definitions()
    {
        var data = Parse("""
            a = ${b.c}
            b { c = 5 }
            d = ${b}
            b.e = late
            """);

        Assert.Equal("5", data["a"]);
        Assert.Equal("5", data["d:c"]);
        Assert.Equal("late", data["d:e"]);
    }

    [Fact]
    public void The_final_value_of_an_overridden_path_is_used()
    {
        var data = Parse("port = 1\naddress = ${port}\nport = 2");

        Assert.Equal("2", data["address"]);
    }

    [Fact]
    public void Substitutions_inside_string_concatenation()
    {
        var data = Parse("""
            host = example.org
            port = 8080
            url = "http://"${host}":"${port}/path
            greeting = hello ${host} and ${port}
            nulls = x${n}y
            n = null
            """);

        Assert.Equal("http://example.org:8080/path", data["url"]);
        Assert.Equal("hello example.org and 8080", data["greeting"]);
        Assert.Equal("xnully", data["nulls"]);
    }

    [Fact]
    public void Substitutions_in_object_and_array_concatenation()
    {
        var data = Parse("""
            defaults { timeout = 5s, retries = 3 }
            channel = ${defaults} { retries = 5 }
            base = [1, 2]
            more = ${base} [3]
            spaced = ${base} ${base}
            """);

        Assert.Equal(("5s", "5"), (data["channel:timeout"], data["channel:retries"]));
        Assert.Equal(("1", "2", "3"), (data["more:0"], data["more:1"], data["more:2"]));
        Assert.Equal("2", data["spaced:3"]);
        Assert.Equal("3", data["defaults:retries"]);
    }

    [Fact]
    public void An_object_merged_over_a_substituted_object_keeps_the_substituted_fields()
    {
        var data = Parse("""
            defaults { timeout = 5s, retries = 3 }
            channel = ${defaults}
            channel { retries = 5 }
            """);

        Assert.Equal(("5s", "5"), (data["channel:timeout"], data["channel:retries"]));
    }

    [Fact]
    public void A_substitution_can_point_into_its_own_object()
    {
        var data = Parse("bar { foo = 42, baz = ${bar.foo} }");

        Assert.Equal("42", data["bar:baz"]);
    }

    [Fact]
    public void Self_reference_appends_to_the_earlier_value()
    {
        var data = Parse("""
            path = "/bin"
            path = ${path}":/usr/bin"
            path = ${path}":/opt/bin"
            list = [a]
            list = ${list} [b]
            obj { a = 1 }
            obj = ${obj} { b = 2 }
            """);

        Assert.Equal("/bin:/usr/bin:/opt/bin", data["path"]);
        Assert.Equal(("a", "b"), (data["list:0"], data["list:1"]));
        Assert.Equal(("1", "2"), (data["obj:a"], data["obj:b"]));
    }

    [Fact]
    public void Self_reference_in_a_nested_object_sees_the_earlier_value()
    {
        var data = Parse("""
            a.b = x
            a { b = ${a.b}y }
            """);

        Assert.Equal("xy", data["a:b"]);
    }

    [Fact]
    public void An_undefined_optional_substitution_keeps_an_earlier_object()
    {
        var data = Parse("a { x = 1 }\na = ${?SWITCH_HOCON_TEST_UNSET}\nb = ${?SWITCH_HOCON_TEST_UNSET}\nb { y = 2 }");

        Assert.Equal(("1", "2"), (data["a:x"], data["b:y"]));
    }

    [Fact]
    public void Optional_self_reference_without_an_earlier_value_is_dropped()
    {
        var data = Parse("path = ${?path}\":/extra\"");

        Assert.Equal(":/extra", data["path"]);
    }

    [Fact]
    public void Optional_substitution_that_resolves_to_nothing_removes_the_field()
    {
        string name = UniqueVariable();
        var data = Parse($$"""
            gone = ${?{{name}}}
            kept = 1
            kept = ${?{{name}}}
            list = [1, ${?{{name}}}, 2]
            text = a ${?{{name}}} b
            """);

        Assert.False(data.ContainsKey("gone"));
        Assert.Equal("1", data["kept"]);
        Assert.Equal(("1", "2"), (data["list:0"], data["list:1"]));
        Assert.False(data.ContainsKey("list:2"));
        Assert.Equal("a b", data["text"]);
    }

    [Fact]
    public void Optional_substitution_falls_back_to_an_environment_variable_of_that_exact_name()
    {
        string name = UniqueVariable();
        Environment.SetEnvironmentVariable(name, "from-env");
        try
        {
            var data = Parse($$"""
                port = 8583
                port = ${?{{name}}}
                url = "tcp://"${?{{name}}}
                required = ${{{name}}}
                """);

            Assert.Equal("from-env", data["port"]);
            Assert.Equal("tcp://from-env", data["url"]);
            Assert.Equal("from-env", data["required"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void A_path_in_the_configuration_wins_over_an_environment_variable()
    {
        string name = UniqueVariable();
        Environment.SetEnvironmentVariable(name, "from-env");
        try
        {
            Assert.Equal("from-config", Parse($"{name} = from-config\nx = ${{?{name}}}")["x"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Unresolvable_substitution_names_file_line_field_and_path()
    {
        var e = ParseFails("a = 1\nswitch {\n  url = \"http://\"${switch.host}\n}", "hocon/switch.conf");

        Assert.StartsWith("hocon/switch.conf:3: switch.url: cannot resolve ${switch.host}", e.Message, StringComparison.Ordinal);
        Assert.Equal(("hocon/switch.conf", 3, "switch.url"), (e.File, e.Line, e.Path));
    }

    [Fact]
    public void Required_self_reference_without_an_earlier_value_is_an_error()
    {
        var e = ParseFails("x = 1\npath = ${path}/bin");

        Assert.StartsWith("test.conf:2: path: cannot resolve ${path}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Substitution_cycles_are_errors_naming_the_substitution()
    {
        var e = ParseFails("a = ${b}\nb = ${c}\nc = ${a}");

        Assert.Matches(@"^test\.conf:\d: [abc]: substitution cycle: ", e.Message);
        Assert.Contains("${a}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Self_containing_values_are_cycles()
    {
        Assert.Contains("cycle", ParseFails("a { b = ${a} }").Message, StringComparison.Ordinal);
        Assert.Contains("cycle", ParseFails("a = [${a}]").Message, StringComparison.Ordinal);
        Assert.Contains("cycle", ParseFails("a = ${a.b}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_substitution_in_a_replaced_value_does_not_matter()
    {
        var data = Parse("a = ${nowhere}\na = 1");

        Assert.Equal("1", data["a"]);
    }

    [Fact]
    public void Concatenating_different_kinds_is_an_error()
    {
        var e = ParseFails("o { x = 1 }\ns = text ${o}");

        Assert.StartsWith("test.conf:2: s: cannot concatenate a string with an object", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.conf:1: a: cannot concatenate an object with an array", ParseFails("a = {} []").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Substitution_paths_may_be_quoted()
    {
        var data = Parse("\"a.b\" { c = 1 }\nx = ${\"a.b\".c}\ny = ${ \"a.b\".c }");

        Assert.Equal(("1", "1"), (data["x"], data["y"]));
    }

    private static string UniqueVariable() => "SWITCH_HOCON_TEST_" + Guid.NewGuid().ToString("N");
}
