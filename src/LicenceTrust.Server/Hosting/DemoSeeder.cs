using LicenceTrust.Core.Licences;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// Fills an empty demo node: demo licences of every type of the node's province (both algorithms),
/// some suspended and revoked, and one SAMPLE API key per role, written to data/&lt;province&gt;-demo-keys.txt.
/// Does nothing when the node already has licences.
/// </summary>
public sealed class DemoSeeder(IssuanceService issuance, ApiKeyService apiKeys, IIssuanceStore store, LicenceTypeCatalogue types, ILogger<DemoSeeder> logger)
{
    /// <summary>What every sample root's subject starts with (<c>licencetrust keys sample</c>).</summary>
    public const string SampleMark = "SAMPLE";

    /// <exception cref="InvalidDataException">The keys are not SAMPLE keys: demo licences are never signed with a real issuer key.</exception>
    public async Task SeedAsync(ProvinceKeys keys, string keysFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!keys.Root.Subject.Contains("CN=" + SampleMark, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"--demo signs demo licences and writes SAMPLE API keys, so it runs on SAMPLE keys only, and this node's root is '{keys.Root.Subject}'. " +
                "Start this node without --demo (production), or give it sample keys (--Node:KeysDirectory=keys-sample).");
        }

        var province = keys.Province;
        if ((await store.ListAsync(new LicenceQuery(null, null, null, 1, 1), cancellationToken)).Total > 0)
        {
            return;
        }

        var lines = new List<string> { $"# SAMPLE API keys of the {province.NameEn} demo node. Demo only: anyone with this file can act as these authorities." };
        var issued = new List<(LicenceType Type, string Identifier, Actor Actor)>();
        foreach (var authority in SampleAuthorities.All.Where(a => a.Province == province))
        {
            var (key, _) = await apiKeys.CreateAsync(ActorRole.Authority, authority.Name, authority.Code.Value, cancellationToken);
            lines.Add($"authority {authority.Code.Value} {authority.Name}: {key}");
            var actor = new Actor(ActorRole.Authority, authority.Name, authority.Code.Value);
            // A demo node given its own catalogue seeds only the sample types that catalogue still lists.
            foreach (var type in authority.Types.Where(t => types.TryGet(t.Code, out _)))
            {
                for (var sequence = 1; sequence <= 3; sequence++)
                {
                    var demo = DemoLicences.Create(province, type, sequence);
                    var outcome = await issuance.IssueAsync(IssueCommand.For(demo), actor, cancellationToken);
                    issued.Add((type, outcome.Record.Identifier, actor));
                }
            }
        }

        // Some licences not in force, so every verdict can be seen in the demo.
        var byType = issued.GroupBy(i => i.Type).ToList();
        foreach (var group in byType)
        {
            var second = group.ElementAt(1);
            var third = group.ElementAt(2);
            await issuance.ChangeStatusAsync(second.Identifier, StatusAction.Suspend, "演示：暂扣 (demo suspension)", second.Actor, cancellationToken);
            await issuance.ChangeStatusAsync(third.Identifier, StatusAction.Revoke, "演示：吊销 (demo revocation)", third.Actor, cancellationToken);
        }

        // The holder-app key lets a demo user play the holder's 渝快办 / 天府通办 and make a consent code (docs/federation.md §9.4).
        foreach (var role in new[] { ActorRole.Partner, ActorRole.HolderApp, ActorRole.Admin })
        {
            var (key, _) = await apiKeys.CreateAsync(role, $"demo {role.ToString().ToLowerInvariant()}", null, cancellationToken);
            lines.Add($"{role.ToString().ToLowerInvariant()}: {key}");
        }

        // The file holds working keys: only the node's own user may read it.
        Directory.CreateDirectory(Path.GetDirectoryName(keysFile)!);
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = OwnerOnly;
        }

        await using (var file = new FileStream(keysFile, create))
        await using (var writer = new StreamWriter(file))
        {
            foreach (var line in lines)
            {
                await writer.WriteLineAsync(line.AsMemory(), cancellationToken);
            }
        }
        logger.LogInformation("Demo node seeded: {Count} licences; SAMPLE API keys written to {File}", issued.Count, keysFile);
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
}
