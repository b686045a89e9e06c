using System.Globalization;
using System.Text;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Results;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Server.Endpoints;

/// <summary>
/// What the verification load run needs besides the API (issue 15; benchmarks/verify-load.sh). Mapped
/// only with <c>Node:BenchmarkEndpoints=true</c>; never on a production node.
/// <list type="bullet">
/// <item><c>POST /bench/verify-signature?bytes=N</c>, baseline (a): the same JSON body as /api/v1/verify,
/// the same credential read, and one signature check of that credential's own Sig_structure with its
/// issuer's key (SM2 or ES256, by kid), answered with a JSON body of N bytes, the size of a /verify
/// answer. Everything /verify does beyond that (trust, type, time, status, the verdict's JSON) is what
/// (b)/(a) measures.</item>
/// <item><c>GET /bench/memo-hits</c>: how often the signature memo answered, so the script can prove that
/// its "distinct credentials" runs sent none twice.</item>
/// </list>
/// </summary>
public static class BenchmarkApi
{
    public static void MapBenchmarkApi(this IEndpointRouteBuilder app)
    {
        var issuers = app.ServiceProvider.GetRequiredService<ProvinceKeys>().Issuers.ToDictionary(i => i.Certificate.Kid, i => i.Certificate.Key);
        var memo = app.ServiceProvider.GetRequiredService<SignatureMemo>();
        app.MapPost("/bench/verify-signature", (VerifyRequest? body, int? bytes) =>
        {
            var ok = CredentialReader.Read(body?.QrText).Credential is { } credential
                && issuers.TryGetValue(credential.Kid, out var key) && key.Verify(credential.ToBeSigned(), credential.Signature.Span);
            return Results.Bytes(Answer(ok, Math.Clamp(bytes ?? 0, 0, 64 * 1024)), "application/json");
        }).ExcludeFromDescription();
        app.MapGet("/bench/memo-hits", () => Results.Text(memo.Hits.ToString(CultureInfo.InvariantCulture))).ExcludeFromDescription();
    }

    /// <summary><c>{"valid":true,"pad":"…"}</c> padded to <paramref name="size"/> bytes (or shorter, when that is too small).</summary>
    private static byte[] Answer(bool ok, int size)
    {
        var head = ok ? "{\"valid\":true,\"pad\":\"" : "{\"valid\":false,\"pad\":\"";
        var answer = new byte[Math.Max(size, head.Length + 2)];
        Encoding.ASCII.GetBytes(head, answer);
        answer.AsSpan(head.Length, answer.Length - head.Length - 2).Fill((byte)'x');
        answer[^2] = (byte)'"';
        answer[^1] = (byte)'}';
        return answer;
    }
}
