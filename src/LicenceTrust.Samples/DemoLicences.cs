using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;

namespace LicenceTrust.Samples;

/// <summary>
/// Realistic demo licences of every seeded type for both provinces. Fictitious holders; the citizen
/// ID and credit codes pass their check digits but belong to nobody.
/// </summary>
public static class DemoLicences
{
    /// <summary>The first sequence of a demo batch file (<c>licencetrust demo csv</c>): a demo node seeds sequences 1 to 3, and their numbers are live.</summary>
    public const int FirstBatchSequence = 1000;

    /// <summary>A demo licence of a type in a province; <paramref name="sequence"/> makes serial and holder distinct.</summary>
    public static Licence Create(Province province, LicenceType type, int sequence = 1)
    {
        var authority = SampleAuthorities.For(province, type);
        var cq = province == SampleProvinces.Chongqing;
        var area = cq ? "500103" : "510104";
        var serial = $"2025{province.Code}{sequence:D6}";
        var identifier = LicenceIdentifier.Create(type.Code, authority.Code, serial);
        var issued = new DateOnly(2025, 3, 1).AddDays(sequence % 200);
        var code = UnifiedSocialCreditCode.FromBody($"91{area}MA{(cq ? "5" : "6")}{sequence:D6}");

        return type switch
        {
            _ when type == SampleLicenceTypes.BusinessLicence => Licence.Create(
                identifier, type.NameZh, code.Value,
                LicenceHolder.Create(cq ? $"重庆山城火锅餐饮管理有限公司{Suffix(sequence)}" : $"成都锦江蜀韵文化传播有限公司{Suffix(sequence)}", HolderCodeType.UnifiedSocialCreditCode, code.Value),
                authority.Name, area, issued, issued, null,
                new Dictionary<string, string> { ["entityType"] = "有限责任公司", ["legalRep"] = cq ? "李明" : "张晓燕", ["capital"] = "伍佰万元整" }),
            _ when type == SampleLicenceTypes.FoodBusinessPermit => Licence.Create(
                identifier, type.NameZh, $"JY{(cq ? 15001030 : 15101040)}{sequence:D6}",
                LicenceHolder.Create(cq ? $"重庆解放碑小面馆{Suffix(sequence)}" : $"成都宽窄巷子小吃店{Suffix(sequence)}", HolderCodeType.UnifiedSocialCreditCode, code.Value),
                authority.Name, area, issued, issued, issued.AddYears(5).AddDays(-1),
                new Dictionary<string, string> { ["format"] = "餐饮服务经营者", ["items"] = "热食类食品制售；冷食类食品制售" }),
            _ when type == SampleLicenceTypes.ConstructionSafetyPermit => Licence.Create(
                identifier, type.NameZh, $"（{province.ShortZh}）JZ安许证字[2025]{sequence:D6}",
                LicenceHolder.Create(cq ? $"重庆渝建建筑工程有限公司{Suffix(sequence)}" : $"四川蜀道建设工程有限公司{Suffix(sequence)}", HolderCodeType.UnifiedSocialCreditCode, code.Value),
                authority.Name, authority.AreaCode, issued, issued, issued.AddYears(3).AddDays(-1),
                new Dictionary<string, string> { ["scope"] = "建筑施工", ["principal"] = cq ? "王建国" : "陈立新" }),
            _ when type == SampleLicenceTypes.ProfessionalQualification => Licence.Create(
                identifier, type.NameZh, $"{(cq ? "CQ" : "SC")}GJ2025{sequence:D6}",
                LicenceHolder.Create(cq ? "王芳" : "刘洋", HolderCodeType.CitizenId, CitizenId(area, sequence)),
                authority.Name, authority.AreaCode, issued, issued, null,
                new Dictionary<string, string> { ["specialty"] = "土木工程", ["level"] = "高级工程师" }),
            _ when type == SampleLicenceTypes.ForeignerWorkPermit => Licence.Create(
                identifier, type.NameZh, $"{province.Code}0000{2025}{sequence:D6}",
                LicenceHolder.Create(cq ? "John SMITH" : "Anna MÜLLER", HolderCodeType.Passport, $"E{sequence:D8}"),
                authority.Name, authority.AreaCode, issued, issued, issued.AddYears(2).AddDays(-1),
                new Dictionary<string, string> { ["nationality"] = cq ? "英国" : "德国", ["category"] = "B", ["employer"] = cq ? "重庆长安汽车股份有限公司" : "成都京东方光电科技有限公司" }),
            _ => throw new ArgumentException($"No demo data for {type.NameEn}.", nameof(type)),
        };
    }

    /// <summary>One demo licence of every type for every province.</summary>
    public static IEnumerable<Licence> All() =>
        from province in SampleProvinces.All
        from type in SampleLicenceTypes.All
        select Create(province, type);

    /// <summary>A valid fictitious citizen ID number in the area, born 1985.</summary>
    public static string CitizenId(string area, int sequence)
    {
        var body = $"{area}1985{1 + sequence % 12:D2}{1 + sequence % 28:D2}{sequence % 1000:D3}";
        return body + Iso7064.Mod11_2(body);
    }

    private static string Suffix(int sequence) => sequence == 1 ? string.Empty : $"（{sequence}）";
}
