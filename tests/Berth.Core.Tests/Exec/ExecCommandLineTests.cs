using Berth.Core.Errors;
using Berth.Core.Exec;

namespace Berth.Core.Tests.Exec;

public class ExecCommandLineTests
{
    [Theory]
    [InlineData("sh", new[] { "sh" })]
    [InlineData("  ls   -l\t/tmp ", new[] { "ls", "-l", "/tmp" })]
    [InlineData("sh -c 'echo $((6*7))'", new[] { "sh", "-c", "echo $((6*7))" })]
    [InlineData("echo \"a \\\"b\\\" \\$HOME\" c\\ d", new[] { "echo", "a \"b\" $HOME", "c d" })]
    [InlineData("echo '' x", new[] { "echo", "", "x" })]
    [InlineData("a'b'\"c\"d", new[] { "abcd" })]
    public void Split_reads_words_as_a_shell_does_without_expanding(string command, string[] words) =>
        Assert.Equal(words, ExecCommandLine.Split(command));

    [Theory]
    [InlineData("sh -c 'echo")]
    [InlineData("echo \"open")]
    [InlineData("   ")]
    public void Split_refuses_unterminated_quotes_and_empty_commands(string command) =>
        Assert.Throws<InvalidParameterException>(() => ExecCommandLine.Split(command));

    [Theory]
    [InlineData("sh|-c|echo $((6*7)); exit 3")]
    [InlineData("printf|it's %s\\n||a \"b\"")]
    [InlineData("/bin/ls|-la|--color=auto")]
    public void Join_is_read_back_by_split(string joined)
    {
        var words = joined.Split('|');
        Assert.Equal(words, ExecCommandLine.Split(ExecCommandLine.Join(words)));
    }

    [Fact]
    public void Join_leaves_plain_words_unquoted() =>
        Assert.Equal("ls -l /tmp 'a b'", ExecCommandLine.Join(["ls", "-l", "/tmp", "a b"]));
}
