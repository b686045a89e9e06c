using LicenceTrust.Storage.Sqlite;

namespace LicenceTrust.Server.Endpoints;

/// <summary>Liveness (the process answers) and readiness (the database answers).</summary>
public static class HealthApi
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Text("ok"));
        app.MapGet("/health/ready", (SqliteDatabase database) =>
        {
            try
            {
                using var connection = database.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM schema_migrations";
                command.ExecuteScalar();
                return Results.Text("ready");
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                return Results.Problem(title: "DATABASE_UNAVAILABLE", detail: "数据库不可用 (the database does not answer).", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
    }
}
