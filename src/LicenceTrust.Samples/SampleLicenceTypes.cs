using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;

namespace LicenceTrust.Samples;

/// <summary>
/// The five types of the shipped catalogue by name, for the sample keys, the demo and the tests. SAMPLE
/// DATA: the product itself reads its types from the catalogue file (<see cref="LicenceTypeCatalogue"/>).
/// </summary>
public static class SampleLicenceTypes
{
    public static LicenceType BusinessLicence { get; } = Shipped("11100000MB0100001D001");

    public static LicenceType FoodBusinessPermit { get; } = Shipped("11100000MB0100001D002");

    public static LicenceType ConstructionSafetyPermit { get; } = Shipped("11100000MB02000023001");

    public static LicenceType ProfessionalQualification { get; } = Shipped("11100000MB0300003Q001");

    public static LicenceType ForeignerWorkPermit { get; } = Shipped("11100000MB0400004E001");

    /// <summary>Every shipped type, in the catalogue's order.</summary>
    public static IReadOnlyList<LicenceType> All => LicenceTypeCatalogue.Shipped.All;

    private static LicenceType Shipped(string code) => LicenceTypeCatalogue.Shipped.Get(LicenceTypeCode.Parse(code));
}
