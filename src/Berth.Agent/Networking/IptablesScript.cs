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
    /// <summary>The link-local address of the ECS credentials endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is relative to it).</summary>
    public const string CredentialsAddress = "169.254.170.2";

    /// <summary>One chain per agent namespace, so agents sharing an engine never rewrite each other's rules.</summary>
    public static string ChainOf(string agentNamespace) => "BERTH-SG-" + Hash(agentNamespace);

    /// <summary>The agent's chain in the nat table that sends its tasks' credential requests to it.</summary>
    public static string CredentialsChainOf(string agentNamespace) => "BERTH-CR-" + Hash(agentNamespace);

    /// <summary>
    /// The nat rules that send each task's requests to the credentials address (169.254.170.2:80, where ECS serves
    /// task role credentials) to this agent's endpoint. DNAT keeps the source address, which the endpoint checks; the
    /// target is the address containers already reach the metadata endpoint on (the bridge gateway), not loopback,
    /// so unlike the ECS agent no route_localnet is needed. Only the agent's own task addresses are matched, so
    /// several agents on one engine (berth up's local agent and Fargate pool) each get their own tasks' requests.
    /// </summary>
    public static string RenderCredentialsRedirect(string chain, IReadOnlyList<string> taskAddresses, string listenerAddress, int listenerPort)
    {
        var script = new StringBuilder();
        script.Append("*nat\n");
        script.Append(CultureInfo.InvariantCulture, $":{chain} - [0:0]\n");
        foreach (var address in taskAddresses)
        {
            script.Append(CultureInfo.InvariantCulture,
                $"-A {chain} -s {address}/32 -d {CredentialsAddress}/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination {listenerAddress}:{listenerPort}\n");
        }
        script.Append("COMMIT\n");
        return script.ToString();
    }

    private static string Hash(string agentNamespace) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(agentNamespace)))[..12];

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
