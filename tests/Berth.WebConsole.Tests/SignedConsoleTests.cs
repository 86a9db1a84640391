using System.Text.Json;

namespace Berth.WebConsole.Tests;

/// <summary>
/// The console against <c>berth server --auth sigv4</c> (no agent: nothing here runs a container): it signs every
/// request in the browser, so the server's own SigV4 verification decides, as it does for the AWS CLI.
/// </summary>
public sealed class SignedConsoleTests : IAsyncLifetime
{
    private BerthUp? _berth;
    private ConsoleBrowser? _browser;

    public async Task InitializeAsync()
    {
        _berth = await BerthUp.StartAsync("server", "--auth", "sigv4");
        _browser = new ConsoleBrowser(_berth.Endpoint);
    }

    [Fact]
    public void Signed_in_with_an_access_key_the_console_signs_its_calls_and_a_wrong_secret_is_refused_by_the_server()
    {
        var browser = _browser!;
        var (keyId, secret) = _berth!.RootKey();
        browser.Driver.Navigate().GoToUrl(new Uri(_berth.Endpoint, "/console/"));

        SignIn(browser, keyId, "not-the-secret");
        Assert.StartsWith("InvalidSignatureException: The request signature we calculated does not match", browser.TextOf("#sign-in .error"), StringComparison.Ordinal);

        SignIn(browser, keyId, secret);
        browser.Find("#clusters .empty");
        // A signed call with a body: the task definition editor registers a revision.
        browser.Open("/task-definitions");
        browser.Fill("#task-definition-json", JsonSerializer.Serialize(ConsoleFixture.TaskDefinition("signed")));
        browser.Click("#register-task-definition button");
        browser.Until(() => browser.Driver.Url.EndsWith("#/task-definitions/signed/1", StringComparison.Ordinal), "the signed registration's revision page");
        // The event stream is read with a presigned URL: the page says it is live, not polling.
        browser.Find("body[data-live='live']");
    }

    public async Task DisposeAsync()
    {
        _browser?.Dispose();
        if (_berth is not null)
        {
            await _berth.DisposeAsync();
        }
    }

    private static void SignIn(ConsoleBrowser browser, string keyId, string secret)
    {
        browser.Fill("#sign-in input[name='accessKeyId']", keyId);
        browser.Fill("#sign-in input[name='secretAccessKey']", secret);
        browser.Click("#sign-in button[type='submit']");
    }
}
