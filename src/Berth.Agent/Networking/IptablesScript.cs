using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Berth.Core.Networking;

namespace Berth.Agent.Networking;

/// <summary>
/// Renders an instance's security-group ingress as an <c>iptables-restore --noflush</c> script for the agent's
/// own chain, which Docker's DOCKER-USER chain jumps to (Docker evaluates DOCKER-USER before its own FORWARD
/// rules and never touches it; Docker docs, "Packet filtering and firewalls"). Declaring the chain in the
/// script empties it, so each script replaces the whole rule set in one atomic step. Per task address: replies
/// to connections it opened come back, then each allowance is accepted, then everything else is dropped.
/// Traffic from the host itself does not cross FORWARD and is never filtered.
/// </summary>
internal static class IptablesScript
{
    /// <summary>One chain per agent namespace, so agents sharing an engine never rewrite each other's rules.</summary>
    public static string ChainOf(string agentNamespace) =>
        "BERTH-SG-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(agentNamespace)))[..12];

    public static string Render(string chain, IReadOnlyList<FirewallEndpoint> endpoints, IReadOnlyList<IngressAllowance> allowances)
    {
        var script = new StringBuilder();
        script.Append("*filter\n");
        script.Append(CultureInfo.InvariantCulture, $":{chain} - [0:0]\n");
        foreach (var endpoint in endpoints)
        {
            var destination = $"-d {endpoint.Address}/32";
            script.Append(CultureInfo.InvariantCulture, $"-A {chain} {destination} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
            foreach (var allowance in allowances.Where(a => a.Destination == endpoint.Address))
            {
                script.Append(CultureInfo.InvariantCulture, $"-A {chain} {destination} -s {allowance.Source}{Match(allowance)} -j ACCEPT\n");
            }
            script.Append(CultureInfo.InvariantCulture, $"-A {chain} {destination} -j DROP\n");
        }
        script.Append("COMMIT\n");
        return script.ToString();
    }

    private static string Match(IngressAllowance allowance) => allowance switch
    {
        { Protocol: null } => "",
        { Protocol: "tcp" or "udp", FromPort: { } from, ToPort: { } to } => string.Create(CultureInfo.InvariantCulture,
            $" -p {allowance.Protocol} -m {allowance.Protocol} --dport {from}:{to}"),
        _ => $" -p {allowance.Protocol}",
    };
}
