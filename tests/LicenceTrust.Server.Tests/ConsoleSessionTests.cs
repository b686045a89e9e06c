using System.Net;
using System.Text.RegularExpressions;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The console's form posts as a browser without script sends them: a cookie jar, the form's antiforgery
/// token and Blazor's <c>_handler</c> read from the page. For the session rules that need a clock or many
/// requests (the browser tests in <see cref="ConsoleTestsOn{TFixture}"/> drive the pages themselves).
/// </summary>
internal sealed partial class ConsoleForms(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _client = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path);

    /// <summary>Posts the sign-in form with a token read from the sign-in page.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string username, string password)
    {
        var token = Token(await _client.GetStringAsync("/console/sign-in"));
        return await _client.PostAsync("/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in", ["__RequestVerificationToken"] = token, ["username"] = username, ["password"] = password, ["returnUrl"] = "/console",
        }));
    }

    private static string Token(string html) => TokenInput().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("no antiforgery token on the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    public void Dispose() => _client.Dispose();
}

/// <summary>A node with a small per-address sign-in bucket: five at once, then one a minute.</summary>
public sealed class ConsoleFloodNode() : SettingsNode("--Node:SignInFreeFailures=100", "--Node:SignInBurst=5", "--Node:SignInPerMinute=1");

public class ConsoleSignInFloodTests(ConsoleFloodNode fixture) : IClassFixture<ConsoleFloodNode>
{
    [Fact]
    public async Task Sign_ins_under_many_user_names_from_one_address_meet_the_sign_in_limit_with_a_page_in_Chinese()
    {
        using var browser = new ConsoleForms(fixture.Node.BaseAddress);
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add(await browser.SignInAsync($"guess.{i}", "not-the-password-2026"));
        }

        // The five of the burst are judged (wrong password: the form again, 401); the rest are refused before any hashing.
        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(7, refused.Count);
        var page = await refused[0].Content.ReadAsStringAsync();
        Assert.StartsWith("text/html", refused[0].Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        Assert.Contains("请稍后再试", page, StringComparison.Ordinal);
        Assert.Contains("秒后再试", page, StringComparison.Ordinal);
        Assert.True(refused[0].Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));

        // The sign-in page itself (a GET) and the API still answer.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console/sign-in")).StatusCode);
        using var api = fixture.Node.Client();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/health/live")).StatusCode);
    }
}

/// <summary>The console session's limits on a fake clock, over real HTTP to a node in this process.</summary>
public sealed class ConsoleSessionLimitTests : IAsyncLifetime
{
    private const string Password = "harbour-lantern-2026";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    private readonly NodeFixture _node;

    public ConsoleSessionLimitTests() =>
        _node = new NodeFixture { Configure = builder => builder.Services.AddSingleton<TimeProvider>(_clock) };

    public async Task InitializeAsync()
    {
        await _node.InitializeAsync();
        var regulator = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);
        await _node.App.Services.GetRequiredService<OfficerAccounts>().CreateAsync("wang.wu", "王五", regulator.Code.Value, OfficerRoles.Clerk, Password);
    }

    public Task DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task A_busy_officer_is_signed_out_when_the_absolute_limit_ends_the_session()
    {
        using var browser = new ConsoleForms(_node.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("wang.wu", Password)).StatusCode);

        // A request every 15 minutes keeps the idle limit (20) away for the whole 8 hours…
        for (var elapsed = TimeSpan.FromMinutes(15); elapsed < TimeSpan.FromHours(8); elapsed += TimeSpan.FromMinutes(15))
        {
            _clock.Advance(TimeSpan.FromMinutes(15));
            using var page = await browser.GetAsync("/console");
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"signed out after {elapsed}: {page.StatusCode} {page.Headers.Location}");
        }

        // …and then the session ends however busy the officer is.
        _clock.Advance(TimeSpan.FromMinutes(16));
        using var after = await browser.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/console/sign-in", new Uri(_node.BaseAddress, after.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task An_idle_officer_is_signed_out_after_the_idle_limit()
    {
        using var browser = new ConsoleForms(_node.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("wang.wu", Password)).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(19));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console")).StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(21));
        using var after = await browser.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/console/sign-in", new Uri(_node.BaseAddress, after.Headers.Location!).AbsolutePath);
    }
}
