using System.Text.Json;
using LicenceTrust.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// axe-core (tests/axe, pinned) at WCAG 2.1 A and AA on a page as it stands, and what axe cannot judge (focus rings,
/// reflow at 320 px): one audit for every page and state the tests walk (docs/ui.md and docs/console.md, "Accessibility").
/// </summary>
public static class AxeAudit
{
    private static readonly Lazy<string> AxeSource = new(() =>
        File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "axe", "node_modules", "axe-core", "axe.min.js")));

    /// <summary>
    /// What axe cannot judge: a visible focus ring on every focusable element (invalid fields included: a
    /// computed outline of 2 px or more, or a box shadow, while it has focus after a keyboard move), and no
    /// sideways scrolling at 320 px (WCAG 2.4.7, 1.4.10).
    /// </summary>
    private static async Task<IReadOnlyList<string>> KeyboardAndReflowAsync(IPage page)
    {
        var problems = new List<string>();
        var size = page.ViewportSize ?? new() { Width = 1280, Height = 900 };
        await page.SetViewportSizeAsync(320, 800);
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        if (width > 321)
        {
            problems.Add($"reflow: {width} px wide at 320 px: " + await page.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ')[0] : '')).join(' ')"));
        }

        await page.SetViewportSizeAsync(size.Width, size.Height);
        // One real Tab first: focus moved by script after a keyboard move shows :focus-visible, as a Tab would.
        await page.Keyboard.PressAsync("Tab");
        var unringed = await page.EvaluateAsync<string[]>("""
            () => {
              const focusable = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
                .filter(e => !e.disabled && e.getAttribute('aria-hidden') !== 'true' && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
              const bad = [];
              for (const e of focusable) {
                e.focus();
                if (document.activeElement !== e) continue;
                const s = getComputedStyle(e);
                const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== 'none');
                if (!ring) bad.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '') + (e.getAttribute('aria-invalid') ? '[aria-invalid]' : ''));
              }
              document.activeElement?.blur();
              return bad;
            }
            """);
        if (unringed.Length > 0)
        {
            problems.Add("no visible focus ring: " + string.Join(", ", unringed.Distinct().Take(10)));
        }

        return problems;
    }

    /// <summary>axe's violations on the page as it stands, one line each: where, rule, impact and the elements.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, string where, ITestOutputHelper output)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
        {
            // Evaluated by the browser's debugging protocol, so the page's CSP (no inline script) does not stop it.
            await page.EvaluateAsync(AxeSource.Value);
        }

        var json = await page.EvaluateAsync<string>("""
            async () => JSON.stringify((await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }))
                .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')} — ${v.help}`))
            """);
        var violations = JsonSerializer.Deserialize<string[]>(json)!.Select(v => $"{where}: {v}").ToList();
        violations.AddRange((await KeyboardAndReflowAsync(page)).Select(p => $"{where}: {p}"));
        foreach (var violation in violations)
        {
            output.WriteLine(violation);
        }

        return violations;
    }
}
