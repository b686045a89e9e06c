using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace LicenceTrust.Server.Tests;

internal static class Http
{
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(this HttpClient client, HttpMethod method, string path, object? body = null, string? rawJson = null, Dictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (rawJson is not null)
        {
            request.Content = new StringContent(rawJson, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.Add(name, value);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) ?? false)
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        return (response.StatusCode, json);
    }

    /// <summary>Asserts an RFC 9457 problem with the status and stable code.</summary>
    public static void AssertProblem(this (HttpStatusCode Status, JsonElement Body) response, HttpStatusCode status, string code, string? field = null)
    {
        Assert.Equal(status, response.Status);
        Assert.Equal(JsonValueKind.Object, response.Body.ValueKind);
        Assert.Equal((int)status, response.Body.GetProperty("status").GetInt32());
        Assert.Equal(code, response.Body.GetProperty("code").GetString());
        if (field is not null)
        {
            Assert.Equal(field, response.Body.GetProperty("field").GetString());
        }
    }
}
