using LicenceTrust.Core.Results;
using LicenceTrust.Core.Text;

namespace LicenceTrust.Issuance;

/// <summary>Who may act on a licence record, and the one answer for a record that is not there.</summary>
internal static class LicenceAccess
{
    public static void RequireOwner(LicenceRecord record, Actor actor)
    {
        if (actor.Role != ActorRole.Admin && record.Licence.AuthorityCode != actor.AuthorityCode)
        {
            throw LicenceTrustException.Forbidden("LICENCE_OF_ANOTHER_AUTHORITY", "只能操作本机构颁发的证照 (you may act only on licences your authority issued).");
        }
    }

    public static LicenceTrustException NotFound(string identifier) =>
        LicenceTrustException.NotFound("LICENCE_NOT_FOUND", $"未找到证照 {TextPolicy.Quote(identifier)} (no licence with this identifier).");
}
