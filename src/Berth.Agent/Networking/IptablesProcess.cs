using System.Diagnostics;

namespace Berth.Agent.Networking;

/// <summary>
/// Runs one iptables command and returns its exit code; a non-zero code throws <see cref="IptablesException"/>
/// unless <paramref name="allowFailure"/>. A delegate so tests can count the processes an <see cref="IptablesChain"/>
/// starts without touching the host's tables.
/// </summary>
/// <param name="input">Written to the command's standard input (an <c>iptables-restore</c> script).</param>
internal delegate Task<int> IptablesCommand(string file, IReadOnlyList<string> arguments, string? input, bool allowFailure, CancellationToken cancellationToken);

/// <summary>The real <see cref="IptablesCommand"/>: a child process.</summary>
internal static class IptablesProcess
{
    public static async Task<int> RunAsync(string file, IReadOnlyList<string> arguments, string? input, bool allowFailure, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IptablesException($"{file} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IptablesException($"{file} is not available: {e.Message}");
        }
        using (process)
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0 && !allowFailure)
            {
                throw new IptablesException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {(await error.ConfigureAwait(false)).Trim()}");
            }
            return process.ExitCode;
        }
    }
}

/// <summary>The instance could not put its iptables rules in place.</summary>
internal sealed class IptablesException(string message) : Exception(message);
