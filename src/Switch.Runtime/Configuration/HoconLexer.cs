using System.Globalization;
using System.Text;

namespace Switch.Runtime.Configuration;

internal enum HoconTokenKind
{
    End,
    Newline,
    Whitespace,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Unquoted,
    Quoted,
    Substitution,
    OptionalSubstitution,
}

/// <summary>A token and the line it starts on. <see cref="Text"/> is the decoded text of strings and whitespace.</summary>
internal readonly record struct HoconToken(HoconTokenKind Kind, string Text, int Line)
{
    /// <summary>The token as a message names it.</summary>
    public override string ToString() => Kind switch
    {
        HoconTokenKind.End => "the end of the file",
        HoconTokenKind.Newline => "the end of the line",
        HoconTokenKind.Whitespace => "whitespace",
        HoconTokenKind.Quoted => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits HOCON text into tokens on demand. Comments vanish (the newline ending them stays); an unquoted run of text
/// stops at whitespace, so <c>hello world</c> is two tokens with whitespace between, which the parser concatenates.
/// </summary>
/// <param name="text">The whole file.</param>
/// <param name="error">Makes the exception for a lexical error at a line; the parser adds the file and key path.</param>
internal sealed class HoconLexer(string text, Func<int, string, Exception> error)
{
    private int position;
    private int line = 1;

    public HoconToken Next()
    {
        SkipComments();
        if (position >= text.Length)
        {
            return new HoconToken(HoconTokenKind.End, "", line);
        }

        char c = text[position];
        switch (c)
        {
            case '\n':
                position++;
                return new HoconToken(HoconTokenKind.Newline, "\n", line++);
            case ',':
                return Punctuation(HoconTokenKind.Comma, ",");
            case ':':
                return Punctuation(HoconTokenKind.Colon, ":");
            case '=':
                return Punctuation(HoconTokenKind.Equals, "=");
            case '{':
                return Punctuation(HoconTokenKind.OpenBrace, "{");
            case '}':
                return Punctuation(HoconTokenKind.CloseBrace, "}");
            case '[':
                return Punctuation(HoconTokenKind.OpenBracket, "[");
            case ']':
                return Punctuation(HoconTokenKind.CloseBracket, "]");
            case '+' when At(1) == '=':
                return Punctuation(HoconTokenKind.PlusEquals, "+=");
            case '+':
                throw error(line, "'+' is only allowed in '+='; quote strings that contain it");
            case '$' when At(1) == '{' && At(2) == '?':
                return Punctuation(HoconTokenKind.OptionalSubstitution, "${?");
            case '$' when At(1) == '{':
                return Punctuation(HoconTokenKind.Substitution, "${");
            case '$':
                throw error(line, "'$' is only allowed to start a substitution '${...}'; quote strings that contain it");
            case '"' when At(1) == '"' && At(2) == '"':
                return TripleQuoted();
            case '"':
                return Quoted();
        }

        if (IsWhitespace(c))
        {
            int start = position;
            while (position < text.Length && IsWhitespace(text[position]))
            {
                position++;
            }

            return new HoconToken(HoconTokenKind.Whitespace, text[start..position], line);
        }

        if (IsReserved(c))
        {
            throw error(line, $"'{c}' is reserved; quote strings that contain it");
        }

        return Unquoted();
    }

    private static bool IsWhitespace(char c) => c != '\n' && (char.IsWhiteSpace(c) || c == '\uFEFF');

    private static bool IsReserved(char c) => c is '`' or '^' or '?' or '!' or '@' or '*' or '&' or '\\';

    private char At(int offset) => position + offset < text.Length ? text[position + offset] : '\0';

    private void SkipComments()
    {
        while (position < text.Length && (text[position] == '#' || (text[position] == '/' && At(1) == '/')))
        {
            int end = text.IndexOf('\n', position);
            position = end < 0 ? text.Length : end;
        }
    }

    private HoconToken Punctuation(HoconTokenKind kind, string token)
    {
        position += token.Length;
        return new HoconToken(kind, token, line);
    }

    private HoconToken Unquoted()
    {
        int start = position;
        while (position < text.Length)
        {
            char c = text[position];
            bool exponentSign = c == '+' && position > start && text[position - 1] is 'e' or 'E' && (char.IsAsciiDigit(text[start]) || text[start] == '-');
            if (!exponentSign && (IsWhitespace(c) || IsReserved(c) || c is '\n' or '#' or '$' or '"' or '{' or '}' or '[' or ']' or ':' or '=' or ',' or '+'
                || (c == '/' && At(1) == '/')))
            {
                break;
            }

            position++;
        }

        return new HoconToken(HoconTokenKind.Unquoted, text[start..position], line);
    }

    private HoconToken Quoted()
    {
        int startLine = line;
        var value = new StringBuilder();
        position++;
        while (true)
        {
            if (position >= text.Length || text[position] == '\n')
            {
                throw error(startLine, "unterminated string: a quoted string ends with '\"' on its own line (use \"\"\" for text over several lines)");
            }

            char c = text[position++];
            if (c == '"')
            {
                return new HoconToken(HoconTokenKind.Quoted, value.ToString(), startLine);
            }

            value.Append(c == '\\' ? Escape() : c);
        }
    }

    private char Escape()
    {
        char c = position < text.Length ? text[position++] : '\0';
        switch (c)
        {
            case '"' or '\\' or '/':
                return c;
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u' when position + 4 <= text.Length
                && ushort.TryParse(text.AsSpan(position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code):
                position += 4;
                return (char)code;
            case 'u':
                throw error(line, "'\\u' must be followed by four hexadecimal digits");
            default:
                throw error(line, $"invalid escape '\\{(c == '\0' ? "" : c)}' in a quoted string");
        }
    }

    private HoconToken TripleQuoted()
    {
        int startLine = line;
        int start = position + 3;
        int close = text.IndexOf("\"\"\"", start, StringComparison.Ordinal);
        if (close < 0)
        {
            throw error(startLine, "unterminated string: '\"\"\"' is never closed");
        }

        // Quotes right before the closing three belong to the string: """a "quoted" word"""" ends in a quote.
        int end = close + 3;
        while (end < text.Length && text[end] == '"')
        {
            end++;
        }

        string value = text[start..(end - 3)];
        line += value.Count(static c => c == '\n');
        position = end;
        return new HoconToken(HoconTokenKind.Quoted, value, startLine);
    }
}
