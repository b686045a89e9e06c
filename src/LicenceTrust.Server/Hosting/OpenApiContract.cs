using Microsoft.AspNetCore.Authorization;
using NJsonSchema;
using NSwag;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// What makes the OpenAPI document a contract an outside linter accepts (Redocly's recommended rules,
/// <c>redocly.yaml</c>): the API-key bearer scheme and, per operation, whether it needs a key; a
/// licence; nullable references written as OpenAPI 3.0 allows them (with a <c>type</c>).
/// </summary>
public static class OpenApiContract
{
    /// <summary>The security scheme's name in the document.</summary>
    public const string ApiKeyScheme = "apiKey";

    public static void Apply(OpenApiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info.License = new OpenApiLicense { Name = "Proprietary: operated by each province's node authority" };
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = OpenApiSecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "lt_<id>_<secret>",
            Description = "An API key made with `licencetrust apikey create`: `Authorization: Bearer lt_…` (or `X-Api-Key: lt_…`, never both). "
                + "Operations that list it as optional answer anyone, and a partner or admin key gets the full licence view.",
        };

        var seen = new HashSet<JsonSchema>();
        foreach (var schema in document.Components.Schemas.Values)
        {
            TypeNullables(schema, seen);
        }
    }

    /// <summary>
    /// NSwag writes a nullable reference as <c>{nullable: true, oneOf: [{$ref}]}</c> and a free-form
    /// extension map as <c>{nullable: true}</c>; OpenAPI 3.0 wants a <c>type</c> beside <c>nullable</c>,
    /// and examples do not validate without one. The first gains <c>type: object</c> (a one-element
    /// <c>oneOf</c> is how OpenAPI 3.0 generators, NSwag's included, read a nullable reference, since
    /// nothing may stand beside <c>$ref</c>); the second becomes an unconstrained schema (any value,
    /// null included).
    /// </summary>
    private static void TypeNullables(JsonSchema schema, HashSet<JsonSchema> seen)
    {
        if (!seen.Add(schema))
        {
            return;
        }

        if (schema.IsNullableRaw == true && schema.Type == JsonObjectType.None && schema.Reference is null)
        {
            if (schema.OneOf.Count == 1)
            {
                schema.Type = JsonObjectType.Object;
            }
            else
            {
                schema.IsNullableRaw = null;
            }
        }

        foreach (var child in schema.Properties.Values.Cast<JsonSchema>().Concat(schema.OneOf).Concat(schema.AllOf).Concat(schema.AnyOf))
        {
            TypeNullables(child, seen);
        }

        if (schema.AdditionalPropertiesSchema is { } additional)
        {
            TypeNullables(additional, seen);
        }

        if (schema.Item is { } item)
        {
            TypeNullables(item, seen);
        }
    }

    /// <summary>
    /// Per operation, from the endpoint's metadata: its summary (<c>WithSummary</c>), and its security:
    /// an endpoint with an authorisation policy requires the API key; any other takes it optionally
    /// (the empty requirement first: no key is needed).
    /// </summary>
    public sealed class ApiKeyOperations : IOperationProcessor
    {
        public bool Process(OperationProcessorContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            var metadata = (context as AspNetCoreOperationProcessorContext)?.ApiDescription.ActionDescriptor.EndpointMetadata ?? [];
            if (metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IEndpointSummaryMetadata>().LastOrDefault() is { } summary)
            {
                context.OperationDescription.Operation.Summary = summary.Summary;
            }

            var key = new OpenApiSecurityRequirement { [ApiKeyScheme] = [] };
            context.OperationDescription.Operation.Security = metadata.OfType<IAuthorizeData>().Any()
                ? [key]
                : [new OpenApiSecurityRequirement(), key];
            return true;
        }
    }
}
