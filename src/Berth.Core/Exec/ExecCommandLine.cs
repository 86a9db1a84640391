using System.Text;
using Berth.Core.Errors;

namespace Berth.Core.Exec;

/// <summary>
/// ExecuteCommand takes the command as one string, which the container runs as words (ECS Exec runs it without a
/// shell: <c>--command "sh -c 'echo hi'"</c>). <see cref="Split"/> reads the words as a POSIX shell would (quotes and
/// backslashes, no expansion); <see cref="Join"/> is its inverse, for a client that holds the words already (<c>berth exec</c>).
/// </summary>
public static class ExecCommandLine
{
    public static IReadOnlyList<string> Split(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }
                    continue;
                case '\'':
                    var close = command.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw Unterminated("'");
                    }
                    word.Append(command, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    i = ReadDoubleQuoted(command, i + 1, word);
                    break;
                case '\\' when i + 1 < command.Length:
                    word.Append(command[++i]);
                    break;
                default:
                    word.Append(c);
                    break;
            }
            inWord = true;
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words.Count > 0 ? words : throw new InvalidParameterException("command must name a program to run.");
    }

    /// <summary>One string that <see cref="Split"/> reads back as <paramref name="words"/>.</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "_@%+=:,./-".Contains(c, StringComparison.Ordinal))
            ? word
            : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    /// <summary>Reads up to the closing quote; a backslash escapes only what it escapes in a shell's double quotes.</summary>
    private static int ReadDoubleQuoted(string command, int start, StringBuilder word)
    {
        for (var i = start; i < command.Length; i++)
        {
            var c = command[i];
            if (c == '"')
            {
                return i;
            }
            if (c == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\' or '$' or '`')
            {
                c = command[++i];
            }
            word.Append(c);
        }
        throw Unterminated("\"");
    }

    private static InvalidParameterException Unterminated(string quote) => new($"command has an unterminated {quote} quote.");
}
