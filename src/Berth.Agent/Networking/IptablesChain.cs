namespace Berth.Agent.Networking;

/// <summary>
/// One chain the agent owns in an iptables table, reached by a jump from a built-in (or Docker's) chain. Each
/// <see cref="ApplyAsync"/> loads a whole <c>iptables-restore --noflush</c> script that declares (and so empties)
/// the chain and writes its rules: one atomic replacement, never a rule-by-rule edit. Replacements run one at a
/// time, each rendered from the rule set as it is then, so the last one always reflects the latest change.
/// </summary>
/// <param name="run">Runs each iptables command (<see cref="IptablesProcess.RunAsync"/>).</param>
internal sealed class IptablesChain(string table, string parent, string name, IptablesCommand run)
{
    private readonly SemaphoreSlim _apply = new(1, 1);

    // Whether this object has seen the jump in place (guarded by _apply). The check is a process of its own on the
    // way to every awsvpc task's start, so it runs once, and again only after a restore failed: a failing restore
    // is the sign that the tables were changed behind the agent's back (and the jump may be gone with them).
    private bool _jumpInPlace;

    public string Name => name;

    /// <param name="render">The whole script for the chain, from the current rule set.</param>
    public async Task ApplyAsync(Func<string> render, CancellationToken cancellationToken)
    {
        await _apply.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                await run("iptables-restore", ["--noflush"], render(), false, cancellationToken).ConfigureAwait(false);
            }
            catch (IptablesException)
            {
                _jumpInPlace = false;
                throw;
            }
            // Insert the jump once; -C answers 1 while it is missing.
            if (!_jumpInPlace && await run("iptables", ["-t", table, "-C", parent, "-j", name], null, true, cancellationToken).ConfigureAwait(false) != 0)
            {
                await run("iptables", ["-t", table, "-I", parent, "-j", name], null, false, cancellationToken).ConfigureAwait(false);
            }
            _jumpInPlace = true;
        }
        finally
        {
            _apply.Release();
        }
    }
}
