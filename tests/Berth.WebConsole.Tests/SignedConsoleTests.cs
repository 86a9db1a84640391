using System.Text.Json;
using System.Xml.Linq;

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
        // Berth's own routes are signed too: the cost report by a signed POST, the clean-up report by a presigned GET.
        browser.Open("/cost");
        Assert.Equal("No task ran in this period.", browser.TextOf("#cost-report .empty"));
        browser.Open("/cleanup");
        browser.Find("#cleanup-report table, #cleanup-report .empty");

        // An STS session's three values: the console signs with the session key and sends its token.
        var (sessionKeyId, sessionSecret, sessionToken) = SessionOf(browser);
        browser.Click("#identity button");
        browser.Find("#sign-in");
        browser.Fill("#sign-in input[name='sessionToken']", sessionToken);
        SignIn(browser, sessionKeyId, sessionSecret);
        Assert.Equal(sessionKeyId, browser.TextOf("#identity span"));
        browser.Open("/task-definitions/signed");
        browser.Find("body[data-live='live']");
    }

    /// <summary>
    /// GetSessionToken of the signed-in user, signed by the console's own SigV4 code in the page (the test has no SigV4 of
    /// its own): the access key id, secret and session token STS answers.
    /// </summary>
    private static (string KeyId, string Secret, string Token) SessionOf(ConsoleBrowser browser)
    {
        var xml = ((OpenQA.Selenium.IJavaScriptExecutor)browser.Driver).ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            (async () => {
              const { signedHeaders } = await import("/console/js/sigv4.js");
              const credentials = JSON.parse(sessionStorage.getItem("berth.credentials"));
              const body = "Action=GetSessionToken&Version=2011-06-15";
              const headers = await signedHeaders({ credentials, region: "us-east-1", service: "sts", path: "/",
                headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" }, body });
              done(await (await fetch("/", { method: "POST", headers, body })).text());
            })().catch((e) => done(String(e)));
            """) as string ?? throw new InvalidOperationException("GetSessionToken: no answer in the page");
        var answer = XDocument.Parse(xml);
        string Value(string name) => answer.Descendants().First(e => e.Name.LocalName == name).Value;
        return (Value("AccessKeyId"), Value("SecretAccessKey"), Value("SessionToken"));
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
