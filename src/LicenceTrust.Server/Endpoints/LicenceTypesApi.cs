using LicenceTrust.Core.Licences;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceTrust.Server.Endpoints;

/// <summary>One attribute of a licence type: its key in the credential and its labels.</summary>
public sealed record AttributeDefinitionView(string Key, string NameZh, string NameEn, bool Required, int MaxLength);

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
        app.MapGet("/api/v1/licence-types", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=300";
            return TypedResults.Ok(Views);
        }).WithProblems(429).WithName("ListLicenceTypes").WithSummary("The licence-type catalogue with attribute labels");

    private static readonly IReadOnlyList<LicenceTypeView> Views =
    [
        .. LicenceTypeCatalogue.All.Select(t => new LicenceTypeView(
            t.Code.Value, t.NameZh, t.NameEn, t.DefiningDepartmentName, [.. t.HolderCodeTypes.Select(h => h.ToCode())], t.PersonalHolder,
            [.. t.Attributes.Select(a => new AttributeDefinitionView(a.Key, a.NameZh, a.NameEn, a.Required, a.MaxLength))])),
    ];
}
