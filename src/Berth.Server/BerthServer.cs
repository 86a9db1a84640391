using System.Security.Cryptography.X509Certificates;
using Berth.Control;
using Berth.Control.Identity;
using Berth.Control.Networking;
using Berth.Control.Observability;
using Berth.Control.Secrets;
using Berth.Core.Cost;
using Berth.Core.Networking;
using Berth.Server.Controllers;
using Berth.Server.Endpoints;
using Berth.Server.Leadership;
using Berth.Server.LoadBalancing;
using Berth.Server.Metrics;
using Berth.Store.Identity;
using Berth.Store.Logs;
using Berth.Store.Metrics;
using Berth.Store.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server;

/// <summary>Builds the control plane: stores, application services, background loops and HTTP endpoints, ready to run.</summary>
public static class BerthServer
{
    public static async Task<WebApplication> BuildAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var builder = SlimHost.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // YARP's forwarder logs two Information entries for every proxied request; requests belong in access logs (opt-in).
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.WebHost.UseUrls($"{options.Scheme}://{options.BindAddress}:{options.Port}");
        if (options.TlsCertificatePath is { } certificate)
        {
            // The slim builder leaves HTTPS out; the certificate is read once, at start, so a bad file stops the start.
            builder.WebHost.UseKestrelHttpsConfiguration();
            var pem = X509Certificate2.CreateFromPemFile(certificate, options.TlsKeyPath);
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = pem));
        }

        // First: a bad key or price file stops the start before any store is opened (and left open).
        var cipher = await OpenCipherAsync(options, cancellationToken).ConfigureAwait(false);
        var prices = ReadPrices(options);
        var stores = await ServerStores.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        await EnsureSecretKeyAsync(options, cipher, stores, cancellationToken).ConfigureAwait(false);
        var (store, logs, events, metrics, database) = stores;
        var vpc = options.VpcConfigPath is { } path ? NetworkRegistry.Default.With(NetworkState.ReadFile(path)) : NetworkRegistry.Default;
        await new NetworkState(store).SeedAsync(vpc, cancellationToken).ConfigureAwait(false);
        // Registered through factories so the container owns the stores and disposes them at shutdown.
        builder.Services.AddSingleton<ILogStore>(_ => logs);
        builder.Services.AddSingleton<IMetricStore>(_ => metrics);
        if (database is not null)
        {
            builder.Services.AddSingleton(_ => database);
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(cipher);
        builder.Services.AddSingleton(options.Liveness);
        builder.Services.AddSingleton(options.TaskRoleSessions);
        builder.Services.AddSingleton(new TaskSecretOptions { AuthorizeExecutionRole = options.RequiresSignatures });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new MetricClock(services.GetRequiredService<TimeProvider>(), options.MetricMinute));
        builder.Services.AddSingleton(prices);
        // Every commit of a leader-only controller carries the lease's fencing token: see FencedStateStore.
        builder.Services.AddControl(new FencedStateStore(store), events);
        builder.Services.AddLeadership();
        builder.Services.AddLoadBalancerDataPlane(options.LoadBalancerAccessLog);
        builder.Services.AddMetricPublishers();
        builder.Services.AddBackgroundControllers();
        builder.Services.AddEndpoints(options);

        // botocore gzips CloudWatch PutMetricData bodies of 10 kB and more (the model's requestcompression trait). The
        // middleware inflates them under Kestrel's body limit, and each endpoint's own limit counts inflated bytes.
        // gzip is the one encoding AWS models name; other bodies are read as they are (and Brotli's decoder would
        // answer a body that is not Brotli with InvalidOperationException, a 500).
        builder.Services.AddRequestDecompression(decompression =>
        {
            decompression.DecompressionProviders.Remove("br");
            decompression.DecompressionProviders.Remove("deflate");
        });

        var app = builder.Build();
        // Resolved first, so the container, which disposes in reverse order of creation, closes the pool after the stores.
        app.Services.GetService<PostgresDatabase>();
        app.MapEndpoints();
        return app;
    }

    /// <summary>
    /// With SigV4 authentication, the account root user's access key, made on the first start (when its secret is
    /// returned, to be shown once); null when authentication is off.
    /// </summary>
    public static async Task<RootKey?> RootKeyAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var options = app.Services.GetRequiredService<ServerOptions>();
        return !options.RequiresSignatures
            ? null
            : await app.Services.GetRequiredService<AccessKeys>().EnsureRootKeyAsync(options.Api.AccountId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The user's key file as it is (a bad one stops the start in one line), or the data directory's, made when missing.</summary>
    private static async Task<SecretCipher> OpenCipherAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        if (options.SecretKeyFile is not { } given)
        {
            Directory.CreateDirectory(options.DataDirectory);
            return await SecretCipher.OpenAsync(options.SecretKeyPath, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            return await SecretCipher.ReadAsync(given, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"--secret-key-file (BERTH_SECRET_KEY_FILE): {e.Message} Make one with: head -c 32 /dev/urandom > FILE; chmod 600 FILE", e);
        }
    }

    /// <summary>Refuses, in one line, a key other than the one the store's secrets are sealed with (<see cref="SecretKeyCheck"/>).</summary>
    private static async Task EnsureSecretKeyAsync(ServerOptions options, SecretCipher cipher, ServerStores stores, CancellationToken cancellationToken)
    {
        if (await SecretKeyCheck.MatchesAsync(stores.State, cipher, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        await stores.DisposeAsync().ConfigureAwait(false);
        throw new ArgumentException(
            $"--secret-key-file (BERTH_SECRET_KEY_FILE): {options.SecretKeyPath} is not the key this store's secrets are sealed with. "
            + "Every server of one store needs the same key: start this one with --secret-key-file naming a copy of the first server's.");
    }

    /// <summary>The user's price table, or the built-in one; a file Berth cannot use stops the start, naming the flag.</summary>
    private static FargatePriceTable ReadPrices(ServerOptions options)
    {
        if (options.PriceFilePath is not { } path)
        {
            return FargatePriceTable.BuiltIn;
        }
        try
        {
            using var file = File.OpenRead(path);
            return FargatePriceTable.Load(file);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--price-file (BERTH_PRICE_FILE): {e.Message}", e);
        }
    }

    /// <summary>The address clients use, with the real port when the options asked for port 0.</summary>
    public static Uri EndpointOf(WebApplication app) => new(app.Urls.First());
}
