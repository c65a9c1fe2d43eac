using static Switch.Runtime.Tests.Configuration.HoconTestSupport;

namespace Switch.Runtime.Tests.Configuration;

public sealed class HoconParserTests
{
    [Fact]
    public void Root_object_without_braces_with_every_separator()
    {
        var data = Parse("""
            a = 1
            b : two
            c { d = 3 }
            e {
              f: "four"
            }
            """);

        Assert.Equal("1", data["a"]);
        Assert.Equal("two", data["b"]);
        Assert.Equal("3", data["c:d"]);
        Assert.Equal("four", data["e:f"]);
        Assert.Equal(4, data.Count);
    }

    [Fact]
    public void Root_object_in_braces_json_style()
    {
        var data = Parse("""
            {
              "switch": { "port": 8583, "enabled": true, "ratio": 0.25, "name": null, "tags": ["a", "b"] }
            }
            """);

        Assert.Equal("8583", data["switch:port"]);
        Assert.Equal("true", data["switch:enabled"]);
        Assert.Equal("0.25", data["switch:ratio"]);
        Assert.True(data.ContainsKey("switch:name"));
        Assert.Null(data["switch:name"]);
        Assert.Equal("a", data["switch:tags:0"]);
        Assert.Equal("b", data["switch:tags:1"]);
    }

    [Fact]
    public void Empty_and_comment_only_files_are_empty_objects()
    {
        Assert.Empty(Parse(""));
        Assert.Empty(Parse("# nothing\n// here either\n\n"));
        Assert.Empty(Parse("{}"));
    }

    [Fact]
    public void Comments_of_both_kinds_end_at_the_end_of_the_line()
    {
        var data = Parse("""
            # a comment
            a = 1 # after a value
            // another
            b = 2 // after a value
            c = "x # not a comment // either"
            d = http-ish/path
            """);

        Assert.Equal("1", data["a"]);
        Assert.Equal("2", data["b"]);
        Assert.Equal("x # not a comment // either", data["c"]);
        Assert.Equal("http-ish/path", data["d"]);
    }

    [Fact]
    public void Quoted_strings_decode_escapes()
    {
        var data = Parse("""
            a = "tab\there \"quoted\" back\\slash \/ \u00e9 \n"
            b = ""
            """);

        Assert.Equal("tab\there \"quoted\" back\\slash / é \n", data["a"]);
        Assert.Equal("", data["b"]);
    }

    [Fact]
    public void Triple_quoted_strings_are_raw_and_span_lines()
    {
        var data = Parse("a = \"\"\"line one\n  \"line\" \\two\"\"\"\nb = \"\"\"ends in a quote\"\"\"\"\nc = 3");

        Assert.Equal("line one\n  \"line\" \\two", data["a"]);
        Assert.Equal("ends in a quote\"", data["b"]);
        Assert.Equal("3", data["c"]);
    }

    [Fact]
    public void Unquoted_values_on_one_line_concatenate_with_their_whitespace()
    {
        var data = Parse("""
            a = hello world
            b = hello   "big"  world   # trailing whitespace and comment dropped
            c = 5 seconds
            d = foo"bar"
            e = null
            f = null island
            g = "null"
            h = 10.5.3
            i = 1e+5
            """);

        Assert.Equal("hello world", data["a"]);
        Assert.Equal("hello   big  world", data["b"]);
        Assert.Equal("5 seconds", data["c"]);
        Assert.Equal("foobar", data["d"]);
        Assert.Null(data["e"]);
        Assert.Equal("null island", data["f"]);
        Assert.Equal("null", data["g"]);
        Assert.Equal("10.5.3", data["h"]);
        Assert.Equal("1e+5", data["i"]);
    }

    [Fact]
    public void Numbers_and_booleans_are_kept_as_written()
    {
        var data = Parse("a = 007\nb = -1.50\nc = true\nd = false\ne = 1E3");

        Assert.Equal("007", data["a"]);
        Assert.Equal("-1.50", data["b"]);
        Assert.Equal("true", data["c"]);
        Assert.Equal("false", data["d"]);
        Assert.Equal("1E3", data["e"]);
    }

    [Fact]
    public void Dotted_keys_are_nested_objects()
    {
        var dotted = Parse("switch.journal.backend = sqlite\nswitch.journal.batch = 64");
        var nested = Parse("switch { journal { backend = sqlite, batch = 64 } }");

        Assert.Equal(nested, dotted);
        Assert.Equal("sqlite", dotted["switch:journal:backend"]);
    }

    [Fact]
    public void Quoted_keys_keep_their_dots_and_whitespace_inside_keys_is_kept()
    {
        var data = Parse("""
            "a.b" = 1
            x."y.z".w = 2
            my key = 3
            "" = 4
            10.5 = 5
            """);

        Assert.Equal("1", data["a.b"]);
        Assert.Equal("2", data["x:y.z:w"]);
        Assert.Equal("3", data["my key"]);
        Assert.Equal("4", data[""]);
        Assert.Equal("5", data["10:5"]);
    }

    [Fact]
    public void Fields_separate_by_newlines_or_commas_and_trailing_commas_are_allowed()
    {
        var data = Parse("a = 1, b = 2,\nc = 3,\nd { e = 4, f = 5, }\ng = [1, 2, ]");

        Assert.Equal(["1", "2", "3", "4", "5", "1", "2"], new[] { "a", "b", "c", "d:e", "d:f", "g:0", "g:1" }.Select(k => data[k]));
    }

    [Fact]
    public void Arrays_flatten_with_indices_and_may_span_lines()
    {
        var data = Parse("""
            acquirers = [
              { name = a, port = 1 }
              { name = b, port = 2 }
            ]
            nested = [[1, 2], [3]]
            empty = []
            emptyObject {}
            """);

        Assert.Equal("a", data["acquirers:0:name"]);
        Assert.Equal("2", data["acquirers:1:port"]);
        Assert.Equal("1", data["nested:0:0"]);
        Assert.Equal("3", data["nested:1:0"]);
        Assert.True(data.ContainsKey("empty"));
        Assert.Null(data["empty"]);
        Assert.True(data.ContainsKey("emptyObject"));
        Assert.Null(data["emptyObject"]);
    }

    [Fact]
    public void Duplicate_objects_merge_and_other_duplicates_are_replaced()
    {
        var data = Parse("""
            a { x = 1, y = 2 }
            a { y = 3, z = 4 }
            a.w = 5
            b { x = 1 }
            b = 7
            c = 7
            c { x = 1 }
            d = [1, 2]
            d = [3]
            e { x = 1 }
            e = 5
            e { y = 2 }
            """);

        Assert.Equal(("1", "3", "4", "5"), (data["a:x"], data["a:y"], data["a:z"], data["a:w"]));
        Assert.Equal("7", data["b"]);
        Assert.False(data.ContainsKey("b:x"));
        Assert.Equal("1", data["c:x"]);
        Assert.False(data.ContainsKey("c"));
        Assert.Equal("3", data["d:0"]);
        Assert.False(data.ContainsKey("d:1"));
        Assert.Equal("2", data["e:y"]);
        Assert.False(data.ContainsKey("e:x"));
    }

    [Fact]
    public void Objects_and_arrays_written_side_by_side_concatenate()
    {
        var data = Parse("a = { x = 1 } { y = 2 }\nb = [1] [2, 3]");

        Assert.Equal(("1", "2"), (data["a:x"], data["a:y"]));
        Assert.Equal(("1", "2", "3"), (data["b:0"], data["b:1"], data["b:2"]));
    }

    [Fact]
    public void Plus_equals_appends_to_an_array()
    {
        var data = Parse("""
            a = [1]
            a += 2
            a += [3]
            fresh += x
            """);

        Assert.Equal("1", data["a:0"]);
        Assert.Equal("2", data["a:1"]);
        Assert.Equal("3", data["a:2:0"]);
        Assert.Equal("x", data["fresh:0"]);
    }

    [Fact]
    public void A_value_may_start_on_the_line_after_the_separator()
    {
        var data = Parse("a =\n  1\nb :\n{ c = 2 }");

        Assert.Equal(("1", "2"), (data["a"], data["b:c"]));
    }

    [Fact]
    public void Crlf_line_endings_and_a_byte_order_mark_are_fine()
    {
        var data = Parse("\uFEFFa = 1\r\nb = two words\r\n");

        Assert.Equal(("1", "two words"), (data["a"], data["b"]));
    }

    [Fact]
    public void Keys_are_case_sensitive_in_hocon_but_the_last_one_wins_in_configuration()
    {
        var data = Parse("Port = 1\nport = 2");

        Assert.Equal("2", data["PORT"]);
    }

    [Fact]
    public void Include_as_a_quoted_key_is_an_ordinary_key()
    {
        Assert.Equal("1", Parse("\"include\" = 1")["include"]);
        Assert.Equal("2", Parse("include.x = 2")["include:x"]);
    }
}
