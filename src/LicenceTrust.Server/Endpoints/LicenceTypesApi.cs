using LicenceTrust.Core.Licences;

namespace LicenceTrust.Server.Endpoints;

/// <summary>One attribute of a licence type: its key in the credential, its labels and the rules its value follows.</summary>
/// <param name="Pattern">A .NET regular expression the whole value must match, or null.</param>
/// <param name="Values">The only values allowed, or null for free text.</param>
public sealed record AttributeDefinitionView(string Key, string NameZh, string NameEn, bool Required, int MaxLength, string? Pattern, IReadOnlyList<string>? Values);

/// <summary>A licence type this node knows: names, defining department, holder code types, attributes.</summary>
public sealed record LicenceTypeView(
    string Code, string NameZh, string NameEn, string DefiningDepartment, IReadOnlyList<string> HolderCodeTypes, bool PersonalHolder, IReadOnlyList<AttributeDefinitionView> Attributes);

/// <summary>
/// The licence-type catalogue, public: it is what a page needs to label a licence's attributes
/// (the credential carries only their keys) and what an authority needs to fill a request.
/// </summary>
public static class LicenceTypesApi
{
    public static void MapLicenceTypesApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/licence-types", (HttpContext http, LicenceTypeCatalogue types) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=300";
            return TypedResults.Ok(Views.GetValue(types, ViewsOf));
        }).WithProblems(429).WithName("ListLicenceTypes").WithSummary("The licence-type catalogue with attribute labels");

    // The catalogue is fixed for the node's life: its view is built once.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LicenceTypeCatalogue, IReadOnlyList<LicenceTypeView>> Views = new();

    private static IReadOnlyList<LicenceTypeView> ViewsOf(LicenceTypeCatalogue types) =>
    [
        .. types.All.Select(t => new LicenceTypeView(
            t.Code.Value, t.NameZh, t.NameEn, t.DefiningDepartmentName, [.. t.HolderCodeTypes.Select(h => h.ToCode())], t.PersonalHolder,
            [.. t.Attributes.Select(a => new AttributeDefinitionView(a.Key, a.NameZh, a.NameEn, a.Required, a.MaxLength, a.Pattern, a.Values))])),
    ];
}
