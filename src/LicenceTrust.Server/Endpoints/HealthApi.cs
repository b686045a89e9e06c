using System.Data.Common;
using LicenceTrust.Storage;

namespace LicenceTrust.Server.Endpoints;

/// <summary>Liveness (the process answers) and readiness (the database answers).</summary>
public static class HealthApi
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Text("ok")).WithName("Live");
        app.MapGet("/health/ready", async (IDatabase database, CancellationToken cancellationToken) =>
        {
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM schema_migrations";
                await command.ExecuteScalarAsync(cancellationToken);
                return Results.Text("ready");
            }
            catch (DbException)
            {
                return Results.Problem(title: "DATABASE_UNAVAILABLE", detail: "数据库不可用 (the database does not answer).", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithName("Ready");
    }
}
