using LicenceTrust.Core.Crypto;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Server.Endpoints;

/// <summary>
/// The baseline of the verification load run (issue 4, case (a)): an endpoint that reads the same JSON
/// body as /api/v1/verify and does exactly one SM2 signature check of the same bytes, and nothing else.
/// Mapped only with <c>Node:BenchmarkEndpoints=true</c>; never on a production node.
/// </summary>
public static class BenchmarkApi
{
    public static void MapBenchmarkApi(this IEndpointRouteBuilder app)
    {
        var keys = app.ServiceProvider.GetRequiredService<ProvinceKeys>();
        var issuer = keys.Issuers.FirstOrDefault(i => i.Certificate.Algorithm == SignatureAlgorithm.Sm2Sm3)
            ?? throw new InvalidDataException("Node:BenchmarkEndpoints needs an SM2 issuer key in the key directory.");
        var message = new byte[700];
        Random.Shared.NextBytes(message);
        var signature = issuer.Key.Sign(message);
        var key = issuer.Certificate.Key;
        app.MapPost("/bench/sm2-verify", (VerifyRequest? body) =>
            key.Verify(message, signature) && body is not null ? Results.Ok() : Results.StatusCode(StatusCodes.Status500InternalServerError))
            .ExcludeFromDescription();
    }
}
