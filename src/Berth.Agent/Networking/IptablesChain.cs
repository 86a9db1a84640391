using System.Diagnostics;

namespace Berth.Agent.Networking;

/// <summary>
/// One chain the agent owns in an iptables table, reached by a jump from a built-in (or Docker's) chain. Each
/// <see cref="ApplyAsync"/> loads a whole <c>iptables-restore --noflush</c> script that declares (and so empties)
/// the chain and writes its rules: one atomic replacement, never a rule-by-rule edit. Replacements run one at a
/// time, each rendered from the rule set as it is then, so the last one always reflects the latest change.
/// </summary>
internal sealed class IptablesChain(string table, string parent, string name)
{
    private readonly SemaphoreSlim _apply = new(1, 1);

    public string Name => name;

    /// <param name="render">The whole script for the chain, from the current rule set.</param>
    public async Task ApplyAsync(Func<string> render, CancellationToken cancellationToken)
    {
        await _apply.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RunAsync("iptables-restore", ["--noflush"], render(), cancellationToken).ConfigureAwait(false);
            // Insert the jump once; -C answers 1 while it is missing.
            if (await RunAsync("iptables", ["-t", table, "-C", parent, "-j", name], null, cancellationToken, allowFailure: true).ConfigureAwait(false) != 0)
            {
                await RunAsync("iptables", ["-t", table, "-I", parent, "-j", name], null, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _apply.Release();
        }
    }

    private static async Task<int> RunAsync(string file, IReadOnlyList<string> arguments, string? input, CancellationToken cancellationToken, bool allowFailure = false)
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
