using LicenceTrust.Core.Identifiers;

namespace LicenceTrust.Samples;

/// <summary>
/// The two provinces of the sample keys and the demo: 重庆市 and 四川省, from the registry. SAMPLE DATA:
/// the product itself names no province (a node's province and its peers are configuration).
/// </summary>
public static class SampleProvinces
{
    public static Province Chongqing { get; } = Province.FromCode(50);

    public static Province Sichuan { get; } = Province.FromCode(51);

    /// <summary>Both, in code order: the provinces <c>keys-sample/</c> holds keys for.</summary>
    public static IReadOnlyList<Province> All { get; } = [Chongqing, Sichuan];
}
