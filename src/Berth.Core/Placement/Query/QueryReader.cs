using Berth.Core.Errors;

namespace Berth.Core.Placement.Query;

/// <summary>
/// A cursor over an expression. Values are read in context (after an operator), because an unquoted value
/// such as a pattern <c>(t2|m5).*</c> may hold characters that elsewhere are punctuation.
/// </summary>
internal sealed class QueryReader(string text)
{
    private const string Punctuation = "()[],=!<>~&|'\"";
    private int _position;

    public bool AtEnd
    {
        get
        {
            SkipSpace();
            return _position >= text.Length;
        }
    }

    public bool TrySymbol(string symbol)
    {
        SkipSpace();
        if (string.CompareOrdinal(text, _position, symbol, 0, symbol.Length) != 0)
        {
            return false;
        }
        _position += symbol.Length;
        return true;
    }

    /// <summary>A keyword such as <c>and</c>, matched case-insensitively and only as a whole word.</summary>
    public bool TryKeyword(string keyword)
    {
        SkipSpace();
        var end = _position + keyword.Length;
        if (end > text.Length
            || string.Compare(text, _position, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) != 0
            || (end < text.Length && IsWordChar(text[end])))
        {
            return false;
        }
        _position = end;
        return true;
    }

    /// <summary>A run of characters that are neither white space nor punctuation; empty when there is none.</summary>
    public string ReadWord()
    {
        SkipSpace();
        var start = _position;
        while (_position < text.Length && IsWordChar(text[_position]))
        {
            _position++;
        }
        return text[start.._position];
    }

    /// <summary>
    /// A single argument: a quoted string, or text up to white space, an unmatched ')' or a following
    /// <c>&amp;&amp;</c> / <c>||</c>. Parentheses inside it must balance, so patterns keep their groups.
    /// </summary>
    public string ReadValue(string after)
    {
        if (TryReadQuoted() is { } quoted)
        {
            return quoted;
        }
        var start = _position;
        var depth = 0;
        while (_position < text.Length)
        {
            var c = text[_position];
            if (char.IsWhiteSpace(c) || (c == ')' && depth == 0) || StartsWith("&&") || StartsWith("||"))
            {
                break;
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            _position++;
        }
        return _position > start ? text[start.._position] : throw Error($"expected a value after '{after}'");
    }

    /// <summary>One item of <c>[a, b, 'c d']</c>: a quoted string or text up to white space, ',' or ']'.</summary>
    public string ReadListItem()
    {
        if (TryReadQuoted() is { } quoted)
        {
            return quoted;
        }
        var start = _position;
        while (_position < text.Length && !char.IsWhiteSpace(text[_position]) && text[_position] is not (',' or ']'))
        {
            _position++;
        }
        return _position > start ? text[start.._position] : throw Error("expected a value in the list");
    }

    /// <summary>Where the next token starts.</summary>
    public int Mark()
    {
        SkipSpace();
        return _position;
    }

    /// <summary>An error at <paramref name="position"/>, or where the reader is.</summary>
    public InvalidParameterException Error(string problem, int? position = null)
    {
        var where = position ?? Mark();
        var at = where >= text.Length ? "at the end" : $"at position {where + 1}";
        return new InvalidParameterException($"Invalid cluster query expression '{text}': {problem} {at}.");
    }

    private string? TryReadQuoted()
    {
        SkipSpace();
        if (_position >= text.Length || text[_position] is not ('\'' or '"'))
        {
            return null;
        }
        var quote = text[_position];
        var close = text.IndexOf(quote, _position + 1);
        if (close < 0)
        {
            throw Error($"unterminated {quote}-quoted value");
        }
        var value = text[(_position + 1)..close];
        _position = close + 1;
        return value;
    }

    private bool StartsWith(string symbol) => string.CompareOrdinal(text, _position, symbol, 0, symbol.Length) == 0;

    private void SkipSpace()
    {
        while (_position < text.Length && char.IsWhiteSpace(text[_position]))
        {
            _position++;
        }
    }

    private static bool IsWordChar(char c) => !char.IsWhiteSpace(c) && !Punctuation.Contains(c);
}
