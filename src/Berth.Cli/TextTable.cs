namespace Berth.Cli;

/// <summary>The client commands' tables: columns two spaces apart, each as wide as its widest cell, no trailing blanks.</summary>
internal static class TextTable
{
    /// <param name="rightAligned">The columns of numbers; the others (text) are left-aligned.</param>
    public static IEnumerable<string> Lines(string[] header, IReadOnlyList<string[]> rows, Func<int, bool> rightAligned)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        return rows.Prepend(header).Select(row =>
            string.Join("  ", row.Select((cell, i) => rightAligned(i) ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd());
    }
}
