using LicenceTrust.Samples;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Testing.Vectors;

/// <summary>One hostile status-list vector: a token as a peer might serve it, the copy in use, and the judgement it must get.</summary>
/// <param name="Name">Stable kebab-case name.</param>
/// <param name="Description">What the attack is.</param>
/// <param name="Token">The status list token (COSE_Sign1, base64).</param>
/// <param name="InUse">The token of the copy already in use (base64), or null for a first fetch.</param>
/// <param name="Uri">The list the node asked for.</param>
/// <param name="CheckAt">The time of the check.</param>
/// <param name="Expected">ACCEPTED, or the refusal: MALFORMED, NOT_SIGNED_BY_SIGNER, OTHER_LIST, EXPIRED, ROLLBACK.</param>
public sealed record StatusListVector(string Name, string Description, string Token, string? InUse, string Uri, DateTimeOffset CheckAt, string Expected);

/// <summary>The status-list vector file: whose list signer the tokens must carry, and the vectors.</summary>
public sealed record StatusListVectorFile(string Format, string Signer, IReadOnlyList<StatusListVector> Vectors);

/// <summary>
/// The status-list half of the hostile corpus (issue 7), <c>tests/vectors/hostile/status-lists.json</c>:
/// lists signed by the wrong key, edited after signing, replayed older copies, a restored node's list that
/// brings a revoked entry back, another list, expired.
/// Each is judged by <see cref="StatusListRules"/> against Chongqing's sample list signer.
/// </summary>
public static class HostileStatusLists
{
    public const string Uri = "https://cq.lt.example/api/v1/status-lists/1";

    public static VerificationKey SignerKey
    {
        get
        {
            var chongqing = SampleKeys.Of(SampleProvinces.Chongqing);
            return ListSignerCertificate.Parse(chongqing.ListSigner!.CertificateDer, chongqing.Root).Key;
        }
    }

    public static StatusListVectorFile Generate()
    {
        var now = TestClock.Now;
        var chongqing = SampleKeys.Of(SampleProvinces.Chongqing);
        var signer = chongqing.ListSigner!;
        var kid = KeyId.ForCertificate(signer.CertificateDer);
        byte[] Signed(StatusList list, ICredentialSigner? by = null) => StatusListToken.Write(list, by ?? signer.Key, kid);
        StatusList List(DateTimeOffset issued, DateTimeOffset updated, string uri = Uri, DateTimeOffset? expires = null, params int[] revoked)
        {
            var bits = new StatusBits(StatusBits.MinimumSize);
            foreach (var index in revoked)
            {
                bits.Set(index, 1);
            }

            return new StatusList(uri, issued, expires ?? issued.AddDays(1), TimeSpan.FromMinutes(5), bits, updated);
        }

        var yesterday = List(now.AddHours(-20), now.AddHours(-20), revoked: [5]);
        var today = List(now.AddHours(-1), now.AddHours(-1), revoked: [5, 6]);
        var todayToken = Signed(today);
        // Today's header and signature over the claims of a list that differs only in entry 6.
        var genuine = CoseSign1.ReadDocument(todayToken, out _)!;
        var clearedPayload = CoseSign1.ReadDocument(Signed(today with { Bits = List(today.IssuedAt, today.IssuedAt, revoked: [5]).Bits }), out _)!.Payload;
        var edited = CoseSign1.Write(genuine.ProtectedHeader, clearedPayload, genuine.Signature);
        var vectors = new List<StatusListVector>();
        void Add(string name, string description, byte[] token, StatusList? inUse, string expected) =>
            vectors.Add(new(name, description, Convert.ToBase64String(token), inUse is null ? null : Convert.ToBase64String(Signed(inUse)), Uri, now, expected));

        Add("genuine-first-fetch", "Today's list, signed by the list signer, nothing in use yet.", todayToken, null, "ACCEPTED");
        Add("genuine-newer", "Today's list over yesterday's copy: entry 6 newly revoked.", todayToken, yesterday, "ACCEPTED");
        Add("rollback-replayed-old-list", "Yesterday's genuine list replayed over today's copy, to undo the revocation of entry 6.", Signed(yesterday), today, "ROLLBACK");
        Add("rollback-resigned-old-content", "Yesterday's content signed again now (newer iat, older last change).",
            Signed(yesterday with { IssuedAt = now.AddMinutes(-1) }), today, "ROLLBACK");
        Add("rollback-restored-node", "A newer list (later iat and last change) from a node restored from a backup: entry 6, revoked in the copy in use, is valid again.",
            Signed(List(now.AddMinutes(-1), now.AddMinutes(-1), revoked: [5])), today, "ROLLBACK");
        Add("wrong-signer-other-province", "Today's list signed by Sichuan's list signer.", Signed(today, SampleKeys.Of(SampleProvinces.Sichuan).ListSigner!.Key), null, "NOT_SIGNED_BY_SIGNER");
        Add("wrong-signer-issuer-key", "Today's list signed by a Chongqing issuer key (trusted for licences, not for lists).",
            Signed(today, SampleKeys.IssuerWith(SampleProvinces.Chongqing, SignatureAlgorithm.Sm2Sm3).Key), null, "NOT_SIGNED_BY_SIGNER");
        Add("wrong-signer-stranger", "Today's list signed by a key nobody trusts, under the list signer's kid.", Signed(today, SigningKey.Generate(SignatureAlgorithm.Sm2Sm3)), null, "NOT_SIGNED_BY_SIGNER");
        Add("entries-edited-after-signing", "Today's header and signature over content with entry 6 cleared.", edited, yesterday, "NOT_SIGNED_BY_SIGNER");
        Add("other-list", "A genuine list, but list 2 where list 1 was asked for.", Signed(List(now.AddHours(-1), now.AddHours(-1), Uri[..^1] + "2")), null, "OTHER_LIST");
        Add("expired", "A genuine list past its exp.", Signed(List(now.AddDays(-2), now.AddDays(-2))), null, "EXPIRED");
        Add("truncated", "Today's token cut short.", todayToken[..^20], null, "MALFORMED");
        Add("not-a-status-list", "A licence credential (no status-list typ) served as a list.", Credentials.Sign(ALicence.OfType(LicenceTrust.Samples.SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).Build()).CoseBytes, null, "MALFORMED");

        var file = new StatusListVectorFile("LT1 hostile status lists", "keys-sample/cq/list-signer.crt.pem", vectors);
        Check(file);
        return file;
    }

    /// <summary>The judgement the rules give a vector: ACCEPTED or the refusal's name.</summary>
    public static string Judge(StatusListVector vector)
    {
        var key = SignerKey;
        var inUse = vector.InUse is null ? null : StatusListToken.TryRead(Convert.FromBase64String(vector.InUse), key, out _);
        var check = StatusListRules.Check(Convert.FromBase64String(vector.Token), key, vector.Uri, vector.CheckAt, inUse);
        return check.Accepted ? "ACCEPTED" : WireName(check.Refusal);
    }

    public static string WireName(StatusListRefusal refusal) =>
        string.Concat(refusal.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

    private static void Check(StatusListVectorFile file)
    {
        foreach (var vector in file.Vectors)
        {
            if (Judge(vector) is var got && got != vector.Expected)
            {
                throw new InvalidOperationException($"status-list vector {vector.Name}: expected {vector.Expected}, the rules say {got}");
            }
        }
    }
}
