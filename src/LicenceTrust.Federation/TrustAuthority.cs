using System.Security.Cryptography;
using System.Text;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;

namespace LicenceTrust.Federation;

/// <summary>A signed trust list as served, with its sequence (the ETag) and issue time.</summary>
/// <param name="StatusUriTemplate">Where the node's status lists are: LT2 credentials name a list by number (docs/format.md §12.2).</param>
public sealed record PublishedTrustList(long Sequence, byte[] Token, DateTimeOffset IssuedAt, DateTimeOffset NextUpdate, string StatusUriTemplate);

/// <summary>What became of a received withdrawal notice.</summary>
public sealed record NoticeOutcome(bool Applied, string Code, string Detail, WithdrawalNotice? Notice = null);

/// <summary>
/// This node's side of trust: publishes its signed trust list (the sequence grows whenever the set of
/// trusted issuers changes, and survives restarts), withdraws its own issuer certificates in an
/// emergency, and applies peers' withdrawal notices after checking signature, age and replay.
/// Thread-safe.
/// </summary>
/// <param name="published">Raised when a new sequence is published, so the peers are told at once (docs/federation.md §3).</param>
public sealed class TrustAuthority(FederatedTrust trust, IFederationStore store, ICredentialSigner signer, byte[] signerCertificateDer, TimeProvider time, TimeSpan listLifetime, string statusUriTemplate,
    PublicationSignal? published = null)
{
    /// <summary>How far a notice's time may be from this node's clock.</summary>
    public static readonly TimeSpan NoticeWindow = TimeSpan.FromMinutes(10);

    private readonly SemaphoreSlim _gate = new(1, 1);

    // The list signer is part of the list's content: after its rotation the peers must take a new version,
    // since they check this node's status lists against the signer of the trust list they hold.
    private readonly string _signerFingerprint = Convert.ToHexStringLower(SHA256.HashData(signerCertificateDer));
    private volatile PublishedTrustList? _current;

    /// <summary>Loads withdrawals and publishes the first list. Call once at start-up.</summary>
    public async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        trust.SetWithdrawn((await store.WithdrawalsAsync(cancellationToken)).Select(w => w.Fingerprint));
        await PublishAsync(cancellationToken);
    }

    public long? Sequence => _current?.Sequence;

    /// <summary>The current list; re-signed (same sequence) once half its lifetime has passed.</summary>
    public async Task<PublishedTrustList> CurrentAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && time.GetUtcNow() < current.IssuedAt + (listLifetime / 2))
        {
            return current;
        }

        return await PublishAsync(cancellationToken);
    }

    /// <summary>Withdraws one of this province's issuer certificates and returns the signed notice for the peers.</summary>
    /// <exception cref="LicenceTrustException">Unknown or already withdrawn certificate.</exception>
    /// <summary>This province's own withdrawals of trust, newest first (the console's trust page).</summary>
    public async Task<IReadOnlyList<Withdrawal>> OwnWithdrawalsAsync(CancellationToken cancellationToken) =>
        [.. (await store.WithdrawalsAsync(cancellationToken)).Where(w => w.Province == trust.Own.NodeId).OrderByDescending(w => w.At)];

    public async Task<(Withdrawal Withdrawal, PublishedTrustList List)> WithdrawAsync(string fingerprint, string reason, CancellationToken cancellationToken)
    {
        fingerprint = fingerprint.ToLowerInvariant();
        await _gate.WaitAsync(cancellationToken);
        Withdrawal withdrawal;
        try
        {
            if (trust.IsWithdrawn(fingerprint))
            {
                throw LicenceTrustException.Conflict("ISSUER_ALREADY_WITHDRAWN", "该签名证书已被撤销信任 (this issuer certificate is already withdrawn).");
            }

            if (!trust.OwnIssuers.Any(i => i.Fingerprint == fingerprint))
            {
                throw LicenceTrustException.NotFound("ISSUER_NOT_FOUND", "本省信任列表中没有该指纹的签名证书 (no issuer certificate of this province has that fingerprint).");
            }

            var own = trust.Own.NodeId;
            var withdrawals = await store.WithdrawalsAsync(cancellationToken);
            var sequence = withdrawals.Where(w => w.Province == own).Select(w => w.NoticeSequence).DefaultIfEmpty(0).Max() + 1;
            var now = time.GetUtcNow();
            var notice = new WithdrawalNotice(Guid.NewGuid().ToString("N"), trust.Own, sequence, now, fingerprint, reason);
            withdrawal = new Withdrawal(fingerprint, own, reason, now, notice.Id, sequence, notice.Sign(signer, signerCertificateDer));
            await store.AddWithdrawalAsync(withdrawal, cancellationToken);
            trust.SetWithdrawn([.. withdrawals.Select(w => w.Fingerprint), fingerprint]);
        }
        finally
        {
            _gate.Release();
        }

        return (withdrawal, await PublishAsync(cancellationToken));
    }

    /// <summary>Checks a peer's notice against the pinned peer roots, refuses forgeries, stale and replayed notices, and applies it.</summary>
    public async Task<NoticeOutcome> ReceiveAsync(byte[] document, CancellationToken cancellationToken)
    {
        WithdrawalNotice? notice = null;
        var error = "no peer trust list is held yet, so no peer root is pinned";
        foreach (var province in Province.All.Where(p => p != trust.Own))
        {
            if (trust.Peer(province) is { } peer && (notice = WithdrawalNotice.TryRead(document, peer.Root, out error)) is not null)
            {
                break;
            }
        }

        if (notice is null)
        {
            return new(false, "NOTICE_SIGNATURE_INVALID", "通知签名无效 (the notice is not signed by a pinned peer root: " + error + ").");
        }

        var now = time.GetUtcNow();
        if ((now - notice.IssuedAt).Duration() > NoticeWindow)
        {
            return new(false, "NOTICE_EXPIRED", $"通知时间超出允许范围 (the notice was issued at {notice.IssuedAt:O}, more than {NoticeWindow.TotalMinutes} minutes from now).", notice);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var withdrawals = await store.WithdrawalsAsync(cancellationToken);
            var last = withdrawals.Where(w => w.Province == notice.Province.NodeId).Select(w => w.NoticeSequence).DefaultIfEmpty(0).Max();
            if (notice.Sequence <= last || withdrawals.Any(w => w.NoticeId == notice.Id || w.Fingerprint == notice.Fingerprint))
            {
                return new(false, "NOTICE_REPLAYED", $"通知已处理过 (notice {notice.Sequence} of {notice.Province.NodeId} was already applied; the last applied is {last}).", notice);
            }

            if (!await store.AddWithdrawalAsync(new Withdrawal(notice.Fingerprint, notice.Province.NodeId, notice.Reason, now, notice.Id, notice.Sequence, document), cancellationToken))
            {
                return new(false, "NOTICE_REPLAYED", "通知已处理过 (the notice was already applied).", notice);
            }

            trust.SetWithdrawn([.. withdrawals.Select(w => w.Fingerprint), notice.Fingerprint]);
            return new(true, "APPLIED", $"已撤销对签名证书{notice.Fingerprint[..16]}的信任 (issuer certificate withdrawn).", notice);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<PublishedTrustList> PublishAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var issuers = trust.OwnIssuers;
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(
                "signer=" + _signerFingerprint + ";status=" + statusUriTemplate + ";" + string.Join(",", issuers.Select(i => i.Fingerprint).Order(StringComparer.Ordinal)))));
            var now = time.GetUtcNow();
            var last = await store.LastTrustListVersionAsync(cancellationToken);
            var sequence = last?.Sequence ?? 0;
            if (last?.ContentHash != hash)
            {
                sequence++;
                await store.AddTrustListVersionAsync(sequence, hash, now, cancellationToken);
            }

            var list = new TrustList(trust.Own, sequence, now, now + listLifetime, issuers, StatusUriTemplate: statusUriTemplate);
            var current = new PublishedTrustList(sequence, TrustListToken.Write(list, signer, signerCertificateDer), now, list.NextUpdate, statusUriTemplate);
            var moved = _current is { } before && before.Sequence != sequence;
            _current = current;
            if (moved)
            {
                published?.Raise();
            }

            return current;
        }
        finally
        {
            _gate.Release();
        }
    }
}
