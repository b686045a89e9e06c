using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// What every signed-in page shares: the officer as stored now (a disabled officer is signed out), the
/// language, and one way of showing a refusal from the services (a Chinese or English message, and
/// the HTTP status the service's error stands for).
/// </summary>
public abstract class ConsolePage : ComponentBase
{
    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = null!;

    [Inject]
    public OfficerAccounts Officers { get; set; } = null!;

    [Inject]
    public NavigationManager Navigation { get; set; } = null!;

    /// <summary>The node's licence-type catalogue: the types a clerk may choose, and their names.</summary>
    [Inject]
    public LicenceTypeCatalogue Types { get; set; } = null!;

    protected Officer Officer { get; private set; } = null!;

    protected ConsoleText Text { get; private set; } = new(false);

    /// <summary>The refusal to show, if the last action was refused.</summary>
    protected LicenceTrustError? Error { get; set; }

    protected string T(string zh, string en) => Text.T(zh, en);

    /// <summary>After each page's own title: which product it is, for a window or tab among others (WCAG 2.4.2).</summary>
    protected string TitleSuffix => T(" — 电子证照签发管理", " — licence console");

    /// <summary>错误： before the title of a page that refused what was sent, so the refusal is the first thing read (WCAG 3.3.1).</summary>
    protected string TitlePrefix => Error is null ? string.Empty : T("错误：", "Error: ");

    /// <summary>A type's name in the page's language, or its code when the catalogue does not list it.</summary>
    protected string TypeName(string code) => Types.TryFind(code, out var type) ? (Text.English ? type.NameEn : type.NameZh) : code;

    protected bool IsPost => HttpMethods.IsPost(HttpContext.Request.Method);

    /// <summary>The posted form (read by the framework before the handler runs).</summary>
    protected IFormCollection Form => HttpContext.Request.HasFormContentType ? HttpContext.Request.Form : FormCollection.Empty;

    /// <summary>
    /// Finds the officer and runs <see cref="LoadAsync"/> before the component's first render. ComponentBase
    /// renders once as soon as an awaited initialisation yields, and a database driver that really awaits
    /// (PostgreSQL's, unlike SQLite's) would then render the page with no officer and no data: so nothing
    /// here is left to <c>OnInitializedAsync</c>, and the page renders once, complete.
    /// </summary>
    public override async Task SetParametersAsync(ParameterView parameters)
    {
        parameters.SetParameterProperties(this);
        if (await InitialiseAsync())
        {
            await base.SetParametersAsync(ParameterView.Empty);
        }
    }

    /// <summary>False when the officer is gone (signed out, disabled): the browser is sent to sign in and nothing renders.</summary>
    private async Task<bool> InitialiseAsync()
    {
        Text = ConsoleText.For(HttpContext);

        // Pages hold personal data and, once, a new API key: never kept by the browser or a proxy.
        if (!HttpContext.Response.HasStarted)
        {
            HttpContext.Response.Headers.CacheControl = "no-store";
        }

        var officer = await ConsoleSession.CurrentAsync(HttpContext, Officers);
        if (officer is null)
        {
            await ConsoleSession.SignOutAsync(HttpContext);
            Navigation.NavigateTo(ConsoleEndpoints.Base + "/sign-in", forceLoad: true);
            return false;
        }

        Officer = officer;
        if (officer.MustChangePassword && !AllowsPendingPasswordChange)
        {
            // A password an administrator set or reset opens one page: the one where the officer sets their own.
            Navigation.NavigateTo(ConsoleEndpoints.Base + "/account", forceLoad: true);
            return false;
        }

        await Run(LoadAsync);
        return true;
    }

    /// <summary>Whether this page opens while the officer must still change a password an administrator set (only the account page).</summary>
    protected virtual bool AllowsPendingPasswordChange => false;

    /// <summary>Reads what the page shows; runs on every request, before a form's handler.</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>Runs a service call; a refusal becomes <see cref="Error"/> and the response status, never an error page.</summary>
    protected async Task<bool> Run(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            await action();
            return true;
        }
        catch (LicenceTrustException e)
        {
            Error = e.Error;
            if (!HttpContext.Response.HasStarted)
            {
                HttpContext.Response.StatusCode = ProblemCatalogue.StatusOf(e.Error);
            }

            return false;
        }
    }

    /// <summary>Post/redirect/get: after a change, the browser loads the page again (a reload never repeats the change).</summary>
    protected void RedirectTo(string path) => Navigation.NavigateTo(path, forceLoad: true);

    /// <summary>
    /// Whether this request posts the form of that name. A page renders a posted form even when it would
    /// not offer it (no role, not the owner, already decided), so the framework can hand the post to the
    /// form's handler and the service refuses it with its own message instead of an empty 400.
    /// </summary>
    protected bool Posted(string formName) => IsPost && Value("_handler") == formName;

    protected string Value(string name) => Form.TryGetValue(name, out var value) ? value.ToString() : string.Empty;
}
