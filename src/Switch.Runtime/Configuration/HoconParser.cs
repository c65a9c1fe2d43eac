using System.Text;

namespace Switch.Runtime.Configuration;

/// <summary>Reads an included file: its parsed root object, or null when it is missing and not required.</summary>
/// <param name="name">The name as written in the include.</param>
/// <param name="required">Whether it was written <c>include required(...)</c>.</param>
/// <param name="at">Where the include was written.</param>
/// <param name="prefix">The path of the object the include is in; the included file's keys and substitutions are relative to it.</param>
internal delegate HoconObject? HoconIncluder(string name, bool required, HoconOrigin at, string[] prefix);

/// <summary>
/// Parses one file into a syntax tree of unresolved values. Duplicate keys merge as they are met (so a
/// self-reference meets the earlier value of its field); substitutions stay for <see cref="HoconResolver"/>.
/// </summary>
internal sealed class HoconParser
{
    // Deeper nesting than any real configuration; the limit keeps hostile input from overflowing the stack.
    private const int MaxDepth = 200;

    private readonly string file;
    private readonly int prefixLength;
    private readonly HoconIncluder include;
    private readonly HoconLexer lexer;

    // The path of the value being parsed, from the root of the whole configuration: for messages and self-references.
    private readonly List<string> path;
    private HoconToken token;
    private int depth;

    private HoconParser(string text, string file, string[] prefix, HoconIncluder include)
    {
        this.file = file;
        prefixLength = prefix.Length;
        this.include = include;
        path = [.. prefix];
        lexer = new HoconLexer(text, Error);
        token = lexer.Next();
    }

    /// <summary>Parses a file's text into its root object.</summary>
    /// <param name="text">The text.</param>
    /// <param name="file">The file's name for origins and messages; includes are relative to its folder.</param>
    /// <param name="prefix">The path of the object the file is included into (empty for a top-level file).</param>
    /// <param name="include">Reads included files.</param>
    public static HoconObject Parse(string text, string file, string[] prefix, HoconIncluder include) =>
        new HoconParser(text, file, prefix, include).ParseRoot();

    private HoconObject ParseRoot()
    {
        SkipBlankLines();
        switch (token.Kind)
        {
            case HoconTokenKind.OpenBrace:
                HoconObject root = ParseObject();
                SkipBlankLines();
                return token.Kind == HoconTokenKind.End
                    ? root
                    : throw Error(token.Line, $"unexpected {token} after the '}}' that closes the root object");
            case HoconTokenKind.OpenBracket:
                throw Error(token.Line, "a configuration file holds an object, not an array");
            default:
                return ParseFields(HoconTokenKind.End, Origin(1), openLine: 0);
        }
    }

    /// <summary>Parses fields up to <paramref name="closing"/>, which is left as the current token.</summary>
    private HoconObject ParseFields(HoconTokenKind closing, HoconOrigin origin, int openLine)
    {
        var result = new HoconObject(origin);
        while (true)
        {
            SkipBlankLines();
            if (token.Kind == closing)
            {
                return result;
            }

            if (token.Kind == HoconTokenKind.End)
            {
                throw Error(token.Line, $"expected '}}' to close the object opened at line {openLine}");
            }

            if (token is { Kind: HoconTokenKind.Unquoted, Text: "include" })
            {
                ParseInclude(result);
            }
            else
            {
                ParseField(result);
            }

            SkipWhitespace();
            if (token.Kind == HoconTokenKind.Comma)
            {
                Advance();
            }
            else if (token.Kind is not (HoconTokenKind.Newline or HoconTokenKind.End) && token.Kind != closing)
            {
                throw Error(token.Line, $"unexpected {token} after a value; separate fields with a new line or ','");
            }
        }
    }

    private void ParseField(HoconObject target)
    {
        int line = token.Line;
        string[] key = ParseKey();
        path.AddRange(key);
        HoconNode value;
        switch (token.Kind)
        {
            case HoconTokenKind.OpenBrace:
                value = ParseValue("a value", token.Line);
                break;
            case HoconTokenKind.Equals or HoconTokenKind.Colon:
                value = ParseValueAfterSeparator();
                break;
            case HoconTokenKind.PlusEquals:
                // a += b means a = ${?a} [b]: the self-reference meets a's earlier value when merged below.
                HoconOrigin origin = Origin(token.Line);
                string fieldPath = HoconPath.Render(path);
                HoconNode element = ParseValueAfterSeparator();
                value = new HoconConcatenation(
                    origin,
                    fieldPath,
                    [new HoconSubstitution(origin, fieldPath, [.. path], 0, optional: true, selfReference: true), new HoconArray(origin, [element])],
                    ["", ""]);
                break;
            default:
                path.RemoveRange(path.Count - key.Length, key.Length);
                throw Error(token.Line, $"expected '=', ':' or '{{' after the key '{HoconPath.Render(key)}', found {token}");
        }

        for (int i = key.Length - 1; i > 0; i--)
        {
            var wrapper = new HoconObject(Origin(line));
            wrapper.Fields.Add(key[i], value);
            value = wrapper;
        }

        Put(target, key[0], value);
        path.RemoveRange(path.Count - key.Length, key.Length);
    }

    private HoconNode ParseValueAfterSeparator()
    {
        HoconToken separator = token;
        Advance();
        SkipBlankLines();
        return ParseValue($"a value after '{separator.Text}'", separator.Line);
    }

    private static void Put(HoconObject target, string key, HoconNode value) =>
        target.Fields[key] = target.Fields.TryGetValue(key, out HoconNode? earlier) ? HoconMerge.Merge(earlier, value, inPlace: true) : value;

    /// <summary>
    /// <c>include "f"</c>, <c>include file("f")</c>, <c>include required("f")</c> or
    /// <c>include required(file("f"))</c>. The lexer reads <c>required(file(</c> as unquoted text, so the
    /// wrapping is matched as text around the quoted name.
    /// </summary>
    private void ParseInclude(HoconObject target)
    {
        int line = token.Line;
        Advance();
        string opening = CollectUnquoted();
        if (token.Kind != HoconTokenKind.Quoted)
        {
            throw Error(line, $"expected a quoted file name after 'include', found {token} (quote \"include\" to use it as a key)");
        }

        string name = token.Text;
        Advance();
        bool required = (opening, CollectUnquoted()) switch
        {
            ("", "") or ("file(", ")") => false,
            ("required(", ")") or ("required(file(", "))") => true,
            _ when opening.Contains("url(", StringComparison.Ordinal) || opening.Contains("classpath(", StringComparison.Ordinal) =>
                throw Error(line, "only file includes are supported, not url(...) or classpath(...)"),
            _ => throw Error(line, "expected include \"name\", include file(\"name\"), include required(\"name\") or include required(file(\"name\"))"),
        };
        if (name.Length == 0)
        {
            throw Error(line, "an include needs a file name");
        }

        HoconObject? included = include(name, required, Origin(line), [.. path]);
        if (included is not null)
        {
            HoconMerge.Merge(target, included, inPlace: true);
        }
    }

    private string CollectUnquoted()
    {
        var text = new StringBuilder();
        while (token.Kind is HoconTokenKind.Unquoted or HoconTokenKind.Whitespace)
        {
            if (token.Kind == HoconTokenKind.Unquoted)
            {
                text.Append(token.Text);
            }

            Advance();
        }

        return text.ToString();
    }

    /// <summary>
    /// Parses values written side by side up to the end of the line, a ',' or a closing bracket; when there is none,
    /// the error at <paramref name="line"/> says <paramref name="expected"/> was wanted.
    /// </summary>
    private HoconNode ParseValue(string expected, int line)
    {
        var parts = new List<HoconNode>();
        var gaps = new List<string>();
        string gap = "";
        bool resolved = true;
        bool soleNull = false;
        while (true)
        {
            HoconNode part;
            switch (token.Kind)
            {
                case HoconTokenKind.Whitespace:
                    gap = token.Text;
                    Advance();
                    continue;
                case HoconTokenKind.Unquoted or HoconTokenKind.Quoted:
                    soleNull = parts.Count == 0 && token is { Kind: HoconTokenKind.Unquoted, Text: "null" };
                    part = new HoconScalar(Origin(token.Line), token.Text);
                    Advance();
                    break;
                case HoconTokenKind.Substitution or HoconTokenKind.OptionalSubstitution:
                    part = ParseSubstitution();
                    resolved = false;
                    break;
                case HoconTokenKind.OpenBrace:
                    part = ParseObject();
                    break;
                case HoconTokenKind.OpenBracket:
                    part = ParseArray();
                    break;
                case HoconTokenKind.Newline or HoconTokenKind.Comma or HoconTokenKind.CloseBrace or HoconTokenKind.CloseBracket or HoconTokenKind.End:
                    return parts.Count switch
                    {
                        0 => throw Error(line, $"expected {expected}, found {token}"),
                        1 when soleNull => new HoconScalar(parts[0].Origin, null),
                        _ when resolved => HoconMerge.Concatenate(parts, gaps, parts[0].Origin, Render(), inPlace: true),
                        1 => parts[0],
                        _ => new HoconConcatenation(parts[0].Origin, HoconPath.Render(path), parts, gaps),
                    };
                default:
                    throw Error(token.Line, $"unexpected {token} in a value; quote strings that contain it");
            }

            gaps.Add(parts.Count == 0 ? "" : gap);
            parts.Add(part);
            gap = "";
        }
    }

    private HoconSubstitution ParseSubstitution()
    {
        HoconOrigin origin = Origin(token.Line);
        bool optional = token.Kind == HoconTokenKind.OptionalSubstitution;
        Advance();
        string[] written = ParseSubstitutionPath();
        string[] full = [.. path.Take(prefixLength), .. written];
        return new HoconSubstitution(origin, HoconPath.Render(path), full, prefixLength, optional, selfReference: full.SequenceEqual(path));
    }

    private HoconObject ParseObject()
    {
        int openLine = token.Line;
        Enter(openLine);
        Advance();
        HoconObject result = ParseFields(HoconTokenKind.CloseBrace, Origin(openLine), openLine);
        Advance();
        depth--;
        return result;
    }

    private HoconArray ParseArray()
    {
        int openLine = token.Line;
        Enter(openLine);
        Advance();
        var items = new List<HoconNode>();
        while (true)
        {
            SkipBlankLines();
            if (token.Kind == HoconTokenKind.CloseBracket)
            {
                Advance();
                depth--;
                return new HoconArray(Origin(openLine), items);
            }

            if (token.Kind == HoconTokenKind.End)
            {
                throw Error(token.Line, $"expected ']' to close the array opened at line {openLine}");
            }

            path.Add(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            items.Add(ParseValue("an element or ']'", token.Line));
            path.RemoveAt(path.Count - 1);
            SkipWhitespace();
            if (token.Kind == HoconTokenKind.Comma)
            {
                Advance();
            }
            else if (token.Kind is not (HoconTokenKind.Newline or HoconTokenKind.CloseBracket or HoconTokenKind.End))
            {
                throw Error(token.Line, $"expected ',' or ']' after an element, found {token}");
            }
        }
    }

    private void Enter(int line)
    {
        if (++depth > MaxDepth)
        {
            throw Error(line, $"objects and arrays are nested more than {MaxDepth} deep");
        }
    }

    private string[] ParseKey()
    {
        List<HoconToken> pieces = ReadPathPieces();
        return pieces.Count > 0 ? SplitPath(pieces) : throw Error(token.Line, $"expected a key, found {token}");
    }

    private string[] ParseSubstitutionPath()
    {
        List<HoconToken> pieces = ReadPathPieces();
        if (pieces.Count == 0)
        {
            throw Error(token.Line, $"expected a path in the substitution, found {token}");
        }

        if (token.Kind != HoconTokenKind.CloseBrace)
        {
            throw Error(token.Line, $"expected '}}' to close the substitution, found {token}");
        }

        Advance();
        return SplitPath(pieces);
    }

    /// <summary>Reads the text of a path expression (a key, or the inside of a substitution) without the whitespace around it.</summary>
    private List<HoconToken> ReadPathPieces()
    {
        var pieces = new List<HoconToken>();
        while (token.Kind is HoconTokenKind.Unquoted or HoconTokenKind.Quoted or HoconTokenKind.Whitespace)
        {
            if (token.Kind != HoconTokenKind.Whitespace || pieces.Count > 0)
            {
                pieces.Add(token);
            }

            Advance();
        }

        while (pieces.Count > 0 && pieces[^1].Kind == HoconTokenKind.Whitespace)
        {
            pieces.RemoveAt(pieces.Count - 1);
        }

        return pieces;
    }

    /// <summary>Dots in unquoted text separate keys; quoted text is taken whole; whitespace between pieces belongs to the key.</summary>
    private string[] SplitPath(List<HoconToken> pieces)
    {
        var keys = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        foreach (HoconToken piece in pieces)
        {
            if (piece.Kind != HoconTokenKind.Unquoted)
            {
                current.Append(piece.Text);
                quoted |= piece.Kind == HoconTokenKind.Quoted;
                continue;
            }

            string[] split = piece.Text.Split('.');
            current.Append(split[0]);
            foreach (string next in split.Skip(1))
            {
                EndKey();
                current.Append(next);
            }
        }

        EndKey();
        return [.. keys];

        void EndKey()
        {
            if (current.Length == 0 && !quoted)
            {
                throw Error(pieces[0].Line, $"{Written(pieces)} has an empty key between dots (quote keys that contain '.')");
            }

            keys.Add(current.ToString());
            current.Clear();
            quoted = false;
        }
    }

    private static string Written(List<HoconToken> pieces) =>
        "'" + string.Concat(pieces.Select(static p => p.Kind == HoconTokenKind.Quoted ? $"\"{p.Text}\"" : p.Text)) + "'";

    private void SkipWhitespace()
    {
        while (token.Kind == HoconTokenKind.Whitespace)
        {
            Advance();
        }
    }

    private void SkipBlankLines()
    {
        while (token.Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            Advance();
        }
    }

    private void Advance() => token = lexer.Next();

    private HoconOrigin Origin(int line) => new(file, line);

    private string? Render() => path.Count == 0 ? null : HoconPath.Render(path);

    private ConfigurationErrorException Error(int line, string message) => new(Origin(line), Render(), message);
}
