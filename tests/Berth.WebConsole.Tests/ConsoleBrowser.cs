using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Berth.WebConsole.Tests;

/// <summary>
/// Headless Chromium driven by chromedriver, both Debian's (eng/setup-browser.sh installs them; a browser download of
/// Selenium's own is not reachable here). Waits are polls with generous limits; screenshots go to the test artifacts.
/// </summary>
public sealed class ConsoleBrowser : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly ChromeDriver _driver;
    private readonly Uri _console;

    public ConsoleBrowser(Uri endpoint)
    {
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        // --no-sandbox: the tests run as root, which Chromium's sandbox refuses.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromMinutes(1));
        _console = new Uri(endpoint, "/console/");
    }

    public static string ArtifactsDirectory { get; } =
        Directory.CreateDirectory(Environment.GetEnvironmentVariable("BERTH_CONSOLE_SCREENSHOTS") is { Length: > 0 } given
            ? given
            : Path.Combine(BerthUp.RepositoryRoot, "TestResults", "console-screenshots")).FullName;

    public IWebDriver Driver => _driver;

    /// <summary>
    /// Opens a console page by its route (<c>/clusters/default</c>) and waits for it to finish loading. A page already
    /// open is loaded afresh: going to the same hash would keep it as an earlier test left it (a form's values).
    /// </summary>
    public void Open(string route)
    {
        var page = new Uri(_console, "#" + route);
        if (_driver.Url == page.AbsoluteUri)
        {
            _driver.Navigate().Refresh();
        }
        else
        {
            _driver.Navigate().GoToUrl(page);
        }
        Until(() => _driver.FindElements(By.CssSelector($"body[data-page='#{route}']")).Count > 0, $"page #{route} rendered");
    }

    public IWebElement Find(string css) => Until(() => _driver.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed), $"'{css}' shown")!;

    /// <summary>The text of the first shown element matching <paramref name="css"/>, once it has some.</summary>
    public string TextOf(string css) => Until(() => Find(css).Text is { Length: > 0 } text ? text : null, $"text in '{css}'");

    /// <summary>Sets an input's value as typing would (for long JSON, without sending each key).</summary>
    public void Fill(string css, string value)
    {
        var element = Find(css);
        element.Clear();
        _driver.ExecuteScript("arguments[0].value = arguments[1];", element, value);
    }

    /// <summary>Clicks the first shown match; found again when a live refresh re-rendered it between finding and clicking.</summary>
    public void Click(string css) => Until(() =>
    {
        Find(css).Click();
        return true;
    }, $"'{css}' clicked");

    /// <summary>Clicks a button that asks for confirmation first, and confirms.</summary>
    public void ClickAndConfirm(string css)
    {
        Click(css);
        Until(Alert, "the confirmation dialog").Accept();
    }

    /// <summary>The first non-null value of <paramref name="probe"/>, polled until it comes; a test failure naming <paramref name="what"/> if it never does.</summary>
    public T Until<T>(Func<T?> probe, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                if (probe() is { } value && value is not false)
                {
                    return value;
                }
            }
            catch (StaleElementReferenceException)
            {
                // The page re-rendered that part between finding and reading it: look again.
            }
            if (DateTime.UtcNow > deadline)
            {
                Screenshot("timeout");
                throw new TimeoutException($"Not seen within {Patience.TotalSeconds} s: {what}. Page text:\n{_driver.FindElement(By.TagName("body")).Text}");
            }
            Thread.Sleep(250);
        }
    }

    public void Screenshot(string name) =>
        _driver.GetScreenshot().SaveAsFile(Path.Combine(ArtifactsDirectory, name + ".png"));

    public void Dispose() => _driver.Quit();

    private IAlert? Alert()
    {
        try
        {
            return _driver.SwitchTo().Alert();
        }
        catch (NoAlertPresentException)
        {
            return null;
        }
    }
}
