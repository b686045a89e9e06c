namespace LicenceTrust.Server.Endpoints;

/// <summary>Declares, for the OpenAPI document, the RFC 9457 problems an endpoint can answer with.</summary>
public static class ApiProblems
{
    public static T WithProblems<T>(this T builder, params int[] statuses)
        where T : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }
}
