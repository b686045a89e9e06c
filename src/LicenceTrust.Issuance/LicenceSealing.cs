using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Status;
using LicenceTrust.Status;

namespace LicenceTrust.Issuance;

/// <summary>
/// Sealing: a drafted licence gets its serial and status slot, is signed once, re-verified with the
/// issuer key, and stored with its audit entry. Shared by issuing one, the batch pipeline and supersession.
/// </summary>
internal sealed class LicenceSealing(IssuanceOptions options)
{
    /// <summary>The next serial of the authority, as a licence identifier.</summary>
    public static async Task<LicenceIdentifier> IdentifierAsync(IIssuanceUnit unit, LicenceType type, string authorityCode, DateTimeOffset now) =>
        LicenceDrafting.Identifier(type, authorityCode, await unit.ReserveSerialsAsync(authorityCode, 1), now);

    /// <summary>One free slot of the open status list (a new list when it is full).</summary>
    public async Task<(int List, int Index)> AllocateSlotAsync(IIssuanceUnit unit, DateTimeOffset now)
    {
        var (list, size) = await unit.OpenStatusListAsync(options.StatusListSize, now);
        return (list, (await FreeSlotsAsync(unit, list, size, 1))[0]);
    }

    /// <summary>
    /// Free slots chosen by the Status capability, checked against this transaction's list; slots in
    /// <paramref name="excluded"/> (held by a batch chunk not stored yet) count as taken.
    /// </summary>
    public static Task<int[]> FreeSlotsAsync(IIssuanceUnit unit, int list, int size, int count, IReadOnlyCollection<int>? excluded = null) =>
        StatusSlots.ChooseFreeAsync(size, count, async candidates =>
        {
            var taken = await unit.TakenSlotsAsync(list, candidates);
            return excluded is not { Count: > 0 } ? taken : new HashSet<int>(taken.Concat(candidates.Intersect(excluded)));
        });

    /// <summary>Signs once and re-verifies. Pure CPU: safe to run in parallel.</summary>
    public LicenceRecord Seal(Licence licence, IssuerSigning signing, int list, int index, Actor actor, DateTimeOffset now, string? supersedes)
    {
        var claims = CredentialClaims.Create(licence, now, new StatusReference(index, options.StatusListBaseUri + list, list));
        var credential = CredentialWriter.Write(claims, signing.Signer, signing.Certificate.Kid, options.CredentialEncoding);
        Recheck(credential, signing, licence);
        return new LicenceRecord(licence, LicenceStatus.Valid, list, index, credential.QrText, claims.IssuedAt, actor.ToString(), supersedes);
    }

    /// <summary>Stores one sealed licence, counts it in its status list, and writes its audit entry.</summary>
    public static async Task StoreIssuedAsync(IIssuanceUnit unit, LicenceRecord record, string? idempotencyKey, Actor actor, DateTimeOffset now)
    {
        await unit.InsertLicenceAsync(record, idempotencyKey);
        await unit.TouchStatusListAsync(record.StatusList, now, added: 1);
        await AuditChain.AppendAsync(unit, IssuedDraft(record, actor, now));
    }

    /// <summary>The audit entry of an issued licence: its type and list, no personal data.</summary>
    public static AuditDraft IssuedDraft(LicenceRecord record, Actor actor, DateTimeOffset now) =>
        new(AuditEvents.LicenceIssued, "licence.issued", actor.ToString(), record.Identifier, $"type={record.Licence.TypeCode.Value};list={record.StatusList}", now);

    /// <summary>Sign once, then prove it: the credential must decode, verify with the issuer key and carry the licence.</summary>
    private static void Recheck(EncodedCredential credential, IssuerSigning signing, Licence licence)
    {
        var read = CredentialReader.Read(credential.QrText);
        if (read.Credential is not { } decoded
            || EnvelopeVerification.FindSigner(decoded.Algorithm, decoded.Kid, decoded.ProtectedHeader, decoded.Payload, decoded.Signature.Span,
                [signing.Certificate], static c => (c.Kid, c.Key), out _) is null
            || decoded.Claims.Licence.Identifier != licence.Identifier
            || decoded.Claims.Licence.Holder.Code != licence.Holder.Disclosed().Code)
        {
            throw new InvalidOperationException($"The credential just signed does not verify ({read}); nothing was stored.");
        }
    }
}

/// <summary>The meter and trace source of issuance: licences issued and status changes, by kind (no personal data).</summary>
internal static class IssuanceTelemetry
{
    public static readonly System.Diagnostics.Metrics.Meter Meter = new(IssuanceService.MeterName);
    public static readonly System.Diagnostics.ActivitySource Tracing = new(IssuanceService.MeterName);
    public static readonly System.Diagnostics.Metrics.Counter<long> Issued = Meter.CreateCounter<long>("licencetrust.licences.issued", description: "Licences issued, by licence type.");
    public static readonly System.Diagnostics.Metrics.Counter<long> Changes = Meter.CreateCounter<long>("licencetrust.status.changes", description: "Status changes, by new status.");
}
