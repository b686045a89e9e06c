using LicenceTrust.Core.Identifiers;

namespace LicenceTrust.Core.Tests;

/// <summary>The GB/T 2260 names shown beside area codes (docs/console.md, "Words").</summary>
public sealed class RegionsTests
{
    [Theory]
    [InlineData("500000", "重庆市")]
    [InlineData("500103", "重庆市渝中区")]
    [InlineData("500235", "重庆市云阳县")]
    [InlineData("510104", "四川省成都市锦江区")]
    [InlineData("513401", "四川省凉山彝族自治州西昌市")]
    [InlineData("520102", "贵州省贵阳市南明区")]
    public void A_code_reads_as_its_full_name_without_the_tables_placeholders(string code, string name) =>
        Assert.Equal(name, Regions.NameOf(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("5001")]
    [InlineData("500199")]
    [InlineData("50010３")]
    [InlineData("500103 ")]
    public void A_code_not_in_the_table_has_no_name(string? code) => Assert.Null(Regions.NameOf(code));

    [Fact]
    public void Every_province_of_the_registry_has_its_registry_name_and_every_name_is_plain_text()
    {
        Assert.InRange(Regions.Count, 3000, 4000);
        foreach (var province in Province.All.Where(p => p.Code <= 65))
        {
            Assert.Equal(province.NameZh, Regions.NameOf($"{province.Code}0000"));
        }

        // The table's placeholder prefectures (市辖区, 县, 省直辖县级行政区划) are no places: no line of their own.
        Assert.Null(Regions.NameOf("500100"));
        Assert.Null(Regions.NameOf("500200"));
        Assert.Null(Regions.NameOf("429000"));
        Assert.Equal("湖北省仙桃市", Regions.NameOf("429004"));
    }
}
