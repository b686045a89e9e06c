using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;

namespace LicenceTrust.Samples;

/// <summary>A sample issuing authority. The codes are fictitious but pass the GB 32100 check.</summary>
public sealed record SampleAuthority(Province Province, UnifiedSocialCreditCode Code, string Name, SignatureAlgorithm Algorithm, IReadOnlyList<LicenceType> Types, string AreaCode);

/// <summary>
/// The sample authorities of both provinces, four each: two SM2 and two ES256. SAMPLE DATA: the
/// names are real departments, the codes and keys are not theirs.
/// </summary>
public static class SampleAuthorities
{
    public static IReadOnlyList<SampleAuthority> All { get; } =
    [
        new(SampleProvinces.Chongqing, UnifiedSocialCreditCode.Parse("11500000MB1A00011N"), "重庆市市场监督管理局", SignatureAlgorithm.Sm2Sm3,
            [SampleLicenceTypes.BusinessLicence, SampleLicenceTypes.FoodBusinessPermit], "500000"),
        new(SampleProvinces.Chongqing, UnifiedSocialCreditCode.Parse("11500000MB1A00022T"), "重庆市住房和城乡建设委员会", SignatureAlgorithm.Sm2Sm3,
            [SampleLicenceTypes.ConstructionSafetyPermit], "500000"),
        new(SampleProvinces.Chongqing, UnifiedSocialCreditCode.Parse("11500000MB1A00033Y"), "重庆市人力资源和社会保障局", SignatureAlgorithm.Es256,
            [SampleLicenceTypes.ProfessionalQualification], "500000"),
        new(SampleProvinces.Chongqing, UnifiedSocialCreditCode.Parse("11500000MB1A000443"), "重庆市科学技术局", SignatureAlgorithm.Es256,
            [SampleLicenceTypes.ForeignerWorkPermit], "500000"),
        new(SampleProvinces.Sichuan, UnifiedSocialCreditCode.Parse("11510000MB2B00011K"), "四川省市场监督管理局", SignatureAlgorithm.Sm2Sm3,
            [SampleLicenceTypes.BusinessLicence, SampleLicenceTypes.FoodBusinessPermit], "510000"),
        new(SampleProvinces.Sichuan, UnifiedSocialCreditCode.Parse("11510000MB2B00022P"), "四川省住房和城乡建设厅", SignatureAlgorithm.Sm2Sm3,
            [SampleLicenceTypes.ConstructionSafetyPermit], "510000"),
        new(SampleProvinces.Sichuan, UnifiedSocialCreditCode.Parse("11510000MB2B00033U"), "四川省人力资源和社会保障厅", SignatureAlgorithm.Es256,
            [SampleLicenceTypes.ProfessionalQualification], "510000"),
        new(SampleProvinces.Sichuan, UnifiedSocialCreditCode.Parse("11510000MB2B000440"), "四川省科学技术厅", SignatureAlgorithm.Es256,
            [SampleLicenceTypes.ForeignerWorkPermit], "510000"),
    ];

    /// <summary>The authority of a province that issues a type.</summary>
    public static SampleAuthority For(Province province, LicenceType type) =>
        All.First(a => a.Province == province && a.Types.Contains(type));
}
