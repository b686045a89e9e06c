using Microsoft.Playwright;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The one browser every end-to-end test drives: Debian's Chromium headless shell (the package
/// chromium-headless-shell, which scripts/test.sh installs; never a downloaded browser). It is the same Chromium
/// (same version, engine and fonts) without the desktop browser's user interface, which Playwright itself uses for
/// headless runs: a page costs a third of the CPU of the full browser in headless mode (12 contexts: 3.8 against
/// 11.5 s, docs/performance-history.md "The test suite's time"), and the suite's browser tests share 2 cores.
/// </summary>
public static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium-headless-shell";

    /// <summary>Launches the shell without the sandbox (the tests run as root in a container) and with the caller's extra switches.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, params IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new() { ExecutablePath = Executable, Headless = true, Args = ["--no-sandbox", .. args] });
    }
}
