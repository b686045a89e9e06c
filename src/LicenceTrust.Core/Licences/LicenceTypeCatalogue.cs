using LicenceTrust.Core.Identifiers;

namespace LicenceTrust.Core.Licences;

/// <summary>
/// The licence types LicenceTrust knows. The type codes are illustrative (valid in form, with GB 32100
/// check characters, but not copied from the national catalogue, which was not at hand): see
/// docs/format.md. Immutable; thread-safe.
/// </summary>
public static class LicenceTypeCatalogue
{
    public static readonly LicenceType BusinessLicence = new(
        LicenceTypeCode.Parse("11100000MB0100001D001"), "营业执照", "Business licence", "国家市场监督管理总局",
        [HolderCodeType.UnifiedSocialCreditCode],
        [
            new("entityType", "类型", "Entity type", Required: true, MaxLength: 30),
            new("legalRep", "法定代表人", "Legal representative", Required: true, MaxLength: 20),
            new("capital", "注册资本", "Registered capital", Required: false, MaxLength: 20),
        ],
        PersonalHolder: false);

    public static readonly LicenceType FoodBusinessPermit = new(
        LicenceTypeCode.Parse("11100000MB0100001D002"), "食品经营许可证", "Food business permit", "国家市场监督管理总局",
        [HolderCodeType.UnifiedSocialCreditCode],
        [
            new("format", "主体业态", "Business format", Required: true, MaxLength: 20),
            new("items", "经营项目", "Business items", Required: true, MaxLength: 40),
        ],
        PersonalHolder: false);

    public static readonly LicenceType ConstructionSafetyPermit = new(
        LicenceTypeCode.Parse("11100000MB02000023001"), "建筑施工企业安全生产许可证", "Construction enterprise work-safety permit", "住房和城乡建设部",
        [HolderCodeType.UnifiedSocialCreditCode],
        [
            new("scope", "许可范围", "Permitted scope", Required: true, MaxLength: 20),
            new("principal", "主要负责人", "Principal", Required: true, MaxLength: 20),
        ],
        PersonalHolder: false);

    public static readonly LicenceType ProfessionalQualification = new(
        LicenceTypeCode.Parse("11100000MB0300003Q001"), "专业技术资格证书", "Professional technical qualification", "人力资源和社会保障部",
        [HolderCodeType.CitizenId],
        [
            new("specialty", "专业", "Specialty", Required: true, MaxLength: 20),
            new("level", "资格级别", "Level", Required: true, MaxLength: 20),
        ],
        PersonalHolder: true);

    public static readonly LicenceType ForeignerWorkPermit = new(
        LicenceTypeCode.Parse("11100000MB0400004E001"), "外国人工作许可证", "Foreigner's work permit", "科学技术部（国家外国专家局）",
        [HolderCodeType.Passport],
        [
            new("nationality", "国籍", "Nationality", Required: true, MaxLength: 20),
            new("category", "人员类别", "Category", Required: true, MaxLength: 4),
            new("employer", "工作单位", "Employer", Required: true, MaxLength: 40),
        ],
        PersonalHolder: true);

    /// <summary>Every seeded type, in a stable order.</summary>
    public static IReadOnlyList<LicenceType> All { get; } =
        [BusinessLicence, FoodBusinessPermit, ConstructionSafetyPermit, ProfessionalQualification, ForeignerWorkPermit];

    private static readonly Dictionary<string, LicenceType> ByCode = All.ToDictionary(t => t.Code.Value, StringComparer.Ordinal);

    public static bool TryGet(LicenceTypeCode code, out LicenceType type) =>
        ByCode.TryGetValue(code.Value ?? string.Empty, out type!);

    /// <summary>Finds a type by its code, Chinese name or English name (case-insensitive), as people type them.</summary>
    public static bool TryFind(string? codeOrName, out LicenceType type)
    {
        type = All.FirstOrDefault(t => t.Code.Value == codeOrName || t.NameZh == codeOrName
            || string.Equals(t.NameEn, codeOrName, StringComparison.OrdinalIgnoreCase))!;
        return type is not null;
    }

    /// <exception cref="KeyNotFoundException">The code is not in the catalogue.</exception>
    public static LicenceType Get(LicenceTypeCode code) =>
        TryGet(code, out var type) ? type : throw new KeyNotFoundException($"Unknown licence type {code}.");
}
