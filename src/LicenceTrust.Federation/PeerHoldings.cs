namespace LicenceTrust.Federation;

/// <summary>One status list of a province as this node holds it: its URI, the province's change counter when it was fetched, and the signed token.</summary>
public sealed record HeldStatusList(string Uri, long Version, byte[] Token);

/// <summary>
/// Everything this node holds of one peer province, exactly as that province signed it: its trust list, its
/// status lists and the withdrawal notices it sent. Served to that province at
/// <c>GET /api/v1/federation/peers/{province}/holdings</c>: a node restored from a backup reads its peers'
/// holdings at start to learn what it published after the backup (<see cref="RestoreGuard"/>). Nothing in
/// it is secret: each document is public where it came from, and the signatures are the province's own.
/// </summary>
public sealed record PeerHoldings(string Province, byte[]? TrustList, IReadOnlyList<HeldStatusList> StatusLists, IReadOnlyList<byte[]> Notices)
{
    /// <summary>The path a node serves its holdings of <paramref name="province"/> on.</summary>

    /// <summary>What this node holds of <paramref name="province"/>, read from its store; null when it is not a configured peer.</summary>
    public static async Task<PeerHoldings?> OfAsync(string province, FederationPeers peers, IFederationStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(store);
        if (!peers.States.Keys.Any(p => p.NodeId == province))
        {
            return null;
        }

        var documents = await store.PeerDocumentsAsync(province, cancellationToken);
        var notices = (await store.WithdrawalsAsync(cancellationToken)).Where(w => w.Province == province).Select(w => w.Notice);
        return new PeerHoldings(
            province,
            documents.FirstOrDefault(d => d.Kind == PeerSync.TrustListKind)?.Document,
            [.. documents.Where(d => d.Kind.StartsWith(PeerSync.StatusListKindPrefix, StringComparison.Ordinal))
                .Select(d => new HeldStatusList(d.Kind[PeerSync.StatusListKindPrefix.Length..], d.Sequence, d.Document))],
            [.. notices]);
    }
}
