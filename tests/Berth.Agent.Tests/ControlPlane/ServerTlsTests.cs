using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Berth.Agent.ControlPlane;
using Berth.Core.Ecs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Agent.Tests.ControlPlane;

/// <summary>The agent joins an https:// server only when it can verify it: chain to the CA file (or system roots) and name.</summary>
public sealed class ServerTlsTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly string _directory = Directory.CreateTempSubdirectory("berth-tls-").FullName;

    [Fact]
    public async Task A_server_whose_certificate_chains_to_the_CA_file_is_joined()
    {
        using var ca = NewCa("Berth test CA");
        await using var server = await HttpsServer.StartAsync(Issue(ca, "127.0.0.1"));

        var response = await RegisterAsync(server.Url, CaFile(ca));

        Assert.Equal("arn:aws:ecs:us-east-1:000000000000:container-instance/default/tls", response.ContainerInstance?.ContainerInstanceArn);
    }

    [Fact]
    public async Task A_self_signed_server_certificate_given_as_the_CA_file_is_trusted()
    {
        using var self = NewCa("berth-server", "127.0.0.1");
        await using var server = await HttpsServer.StartAsync(self);

        Assert.NotNull((await RegisterAsync(server.Url, CaFile(self))).ContainerInstance);
    }

    [Fact]
    public async Task Without_a_CA_file_a_server_the_system_does_not_trust_is_refused()
    {
        using var ca = NewCa("Berth test CA");
        await using var server = await HttpsServer.StartAsync(Issue(ca, "127.0.0.1"));

        var refusal = await Assert.ThrowsAsync<HttpRequestException>(() => RegisterAsync(server.Url, caFile: null));
        Assert.IsType<AuthenticationException>(refusal.InnerException);
    }

    [Fact]
    public async Task A_certificate_from_another_CA_is_refused()
    {
        using var ca = NewCa("Berth test CA");
        using var other = NewCa("Someone else's CA");
        await using var server = await HttpsServer.StartAsync(Issue(other, "127.0.0.1"));

        await Assert.ThrowsAsync<HttpRequestException>(() => RegisterAsync(server.Url, CaFile(ca)));
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_refused_even_from_the_trusted_CA()
    {
        using var ca = NewCa("Berth test CA");
        await using var server = await HttpsServer.StartAsync(Issue(ca, "10.9.8.7"));

        await Assert.ThrowsAsync<HttpRequestException>(() => RegisterAsync(server.Url, CaFile(ca)));
    }

    [Fact]
    public void A_CA_file_is_only_for_an_https_server_and_must_hold_a_certificate()
    {
        Assert.StartsWith("CaCertificatePath verifies an https:// ServerUrl",
            Assert.Throws<ArgumentException>(() => new AgentOptions { ServerUrl = new Uri("http://127.0.0.1:4566"), CaCertificatePath = "/ca.pem" }.Validate()).Message,
            StringComparison.Ordinal);
        var empty = Path.Combine(_directory, "empty.pem");
        File.WriteAllText(empty, "not a certificate\n");
        Assert.Contains("holds no PEM certificate", Assert.Throws<ArgumentException>(() =>
            new HttpControlPlane(new AgentOptions { ServerUrl = new Uri("https://127.0.0.1:4566"), CaCertificatePath = empty }, TimeProvider.System)).Message,
            StringComparison.Ordinal);
    }

    private static async Task<RegisterContainerInstanceResponse> RegisterAsync(Uri url, string? caFile)
    {
        using var client = new HttpControlPlane(new AgentOptions { ServerUrl = url, CaCertificatePath = caFile }, TimeProvider.System);
        return await client.RegisterAsync(new RegisterContainerInstanceRequest { Cluster = "default" }, CancellationToken.None);
    }

    private string CaFile(X509Certificate2 ca)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".pem");
        File.WriteAllText(path, ca.ExportCertificatePem());
        return path;
    }

    /// <summary>A self-signed CA certificate; with an address, also usable as a self-signed server certificate for it.</summary>
    private static X509Certificate2 NewCa(string name, string? address = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        if (address is not null)
        {
            AddServerName(request, address);
        }
        using var created = request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(1));
        return Exportable(created);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string address)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=berth-server", key, HashAlgorithmName.SHA256);
        AddServerName(request, address);
        using var signed = request.Create(ca, Now.AddHours(-1), Now.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        return Exportable(withKey);
    }

    private static void AddServerName(CertificateRequest request, string address)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Parse(address));
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
    }

    // A round trip through PKCS#12 gives Kestrel a key it can use on every platform.
    private static X509Certificate2 Exportable(X509Certificate2 certificate) => X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>An https:// server on loopback that answers every request as RegisterContainerInstance does.</summary>
    private sealed class HttpsServer(WebApplication app, Uri url) : IAsyncDisposable
    {
        public Uri Url => url;

        public static async Task<HttpsServer> StartAsync(X509Certificate2 certificate)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
            var app = builder.Build();
            app.Run(http => http.Response.WriteAsync("""{"containerInstance":{"containerInstanceArn":"arn:aws:ecs:us-east-1:000000000000:container-instance/default/tls"}}"""));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new HttpsServer(app, new Uri(address));
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
