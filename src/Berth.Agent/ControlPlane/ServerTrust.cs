using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Agent.ControlPlane;

/// <summary>
/// How the agent verifies an https:// server: by default against the system's trusted roots, as any HTTPS client;
/// with <see cref="AgentOptions.CaCertificatePath"/> against the certificates of that PEM file only (the cluster's own CA,
/// or a self-signed server certificate), as kubelet's <c>--certificate-authority</c> does. Either way the certificate
/// must name the host the agent connects to.
/// </summary>
internal static class ServerTrust
{
    /// <summary>Sets <paramref name="transport"/> to trust only the CA file's certificates; unchanged (system roots) without one.</summary>
    public static void Apply(SocketsHttpHandler transport, string? caCertificatePath)
    {
        if (caCertificatePath is null)
        {
            return;
        }
        var roots = Load(caCertificatePath);
        transport.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, presented, errors) => Verify(roots, certificate, presented, errors),
        };
    }

    /// <summary>Whether <paramref name="certificate"/> names the host and chains to one of <paramref name="roots"/>.</summary>
    internal static bool Verify(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        // Only the chain is judged here, against the given roots; a name mismatch or a missing certificate stays fatal.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        // A private CA publishes no revocation lists for the agent to fetch.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the server sent.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    private static X509Certificate2Collection Load(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"CaCertificatePath '{path}' cannot be read as PEM certificates: {e.Message}", e);
        }
        return roots.Count > 0 ? roots : throw new ArgumentException($"CaCertificatePath '{path}' holds no PEM certificate.");
    }
}
