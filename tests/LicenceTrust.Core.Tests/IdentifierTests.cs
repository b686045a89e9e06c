using LicenceTrust.Core.Identifiers;

namespace LicenceTrust.Core.Tests;

public class IdentifierTests
{
    // Published codes: GB 32100's own example style and codes of registered companies (Huawei,
    // Alibaba) that appear in public validators; plus the defining department in public e-licence ids.
    [Theory]
    [InlineData("91350200776049653A")]
    [InlineData("91350500798359476R")]
    [InlineData("91440101MA5CJQ4N59")]
    [InlineData("913502000728319549")]
    [InlineData("123502001549897397")]
    [InlineData("91350213678251743X")]
    [InlineData("914403001922038216")]
    [InlineData("11100000000013338W")]
    [InlineData("11430000006122244L")]
    public void Published_credit_codes_pass_the_GB_32100_check(string code)
    {
        Assert.True(UnifiedSocialCreditCode.TryParse(code, out var parsed, out var error), error);
        Assert.Equal(code, parsed.Value);
    }

    [Theory]
    [InlineData(null, "18位")]
    [InlineData("9135020077604965", "18位")]
    [InlineData("91350200776049653B", "校验位错误")]
    [InlineData("9135020077604965IA", "第17位")]
    [InlineData("91350203M0001QAY9B", "校验位错误")] // a public validator whitelists this invalid code
    [InlineData("91ABCDEF776049653A", "第3-8位")]
    [InlineData("91350200776049653a", "校验位错误")]
    public void Bad_credit_codes_fail_with_the_rule_they_break(string? code, string expected)
    {
        Assert.False(UnifiedSocialCreditCode.TryParse(code, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBody_appends_the_check_character()
    {
        Assert.Equal("91350200776049653A", UnifiedSocialCreditCode.FromBody("91350200776049653").Value);
        Assert.Throws<ArgumentException>(() => UnifiedSocialCreditCode.FromBody("9135020077604965"));
    }

    // GB 11643-1999's examples: 11010519491231002X and 440524188001010014.
    [Theory]
    [InlineData("11010519491231002X")]
    [InlineData("440524188001010014")]
    [InlineData("510104199003054568")]
    public void Published_citizen_ids_pass_MOD_11_2(string id)
    {
        Assert.True(CitizenIdNumber.TryParse(id, out var parsed, out var error), error);
        Assert.Equal(id, parsed.Value);
    }

    [Theory]
    [InlineData("110105194912310021", "校验位错误")]
    [InlineData("11010519491331002X", "出生日期")]
    [InlineData("1101051949123100", "18位")]
    [InlineData("1101051949A231002X", "第11位")]
    [InlineData("11010519491231002x", "校验位错误")]
    public void Bad_citizen_ids_fail_with_the_rule_they_break(string id, string expected)
    {
        Assert.False(CitizenIdNumber.TryParse(id, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Citizen_ids_are_masked_and_never_printed_in_full()
    {
        var id = CitizenIdNumber.Parse("510104199003054568");
        Assert.Equal("510104********4568", id.Masked);
        Assert.Equal("510104********4568", id.ToString());
        Assert.Equal("*******78", PersonalDataMask.MaskDocumentNumber("E12345678"));
    }

    // Identifiers published in public integrations of the national e-licence platform.
    [Theory]
    [InlineData("1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3")]
    [InlineData("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S")]
    [InlineData("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0")]
    public void Published_licence_identifiers_pass_MOD_37_36(string text)
    {
        Assert.True(LicenceIdentifier.TryParse(text, out var id, out var error), error);
        Assert.Equal(text, id.Value);
    }

    [Fact]
    public void Identifier_parts_are_read_and_rebuilt()
    {
        var id = LicenceIdentifier.Parse("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U");
        Assert.Equal("11100000000013338W011", id.TypeCode.Value);
        Assert.Equal("11100000000013338W", id.TypeCode.DefiningDepartmentCode);
        Assert.Equal("11430000006122244L", id.AuthorityCode);
        Assert.Equal("20230000403", id.Serial);
        Assert.Equal(1, id.Version);
        Assert.Equal("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S", id.NextVersion().Value);
    }

    [Theory]
    // Published as an example in one integration, but its check character is wrong by MOD 37,36.
    [InlineData("1.2.156.3005.2.11100000000013661B006.113700000045046442.209FA4E88F9E4C878F3E9BED2CE7EA49.001.M", "校验位错误")]
    [InlineData("1.2.156.3005.1.11100000000013338W011.11430000006122244L.20230000403.001.U", "开头")]
    [InlineData("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001", "五段")]
    [InlineData("1.2.156.3005.2.11100000000013338W11.11430000006122244L.20230000403.001.U", "类型代码")]
    [InlineData("1.2.156.3005.2.11100000000013338W011.1143000000612224.20230000403.001.U", "颁发机构代码")]
    [InlineData("1.2.156.3005.2.11100000000013338W011.11430000006122244L.2023-0403.001.U", "顺序号")]
    [InlineData("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.000.U", "版本号")]
    [InlineData("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.UU", "校验位")]
    public void Bad_identifiers_fail_with_the_rule_they_break(string text, string expected)
    {
        Assert.False(LicenceIdentifier.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("500103", 50)]
    [InlineData("510104", 51)]
    public void Division_codes_name_the_province(string division, int code)
    {
        Assert.True(Province.TryFromDivision(division, out var province));
        Assert.Equal(code, province.Code);
    }

    [Theory]
    [InlineData("110105", 11, "bj", "北京市", "京")]
    [InlineData("520102", 52, "gz", "贵州省", "贵")]
    [InlineData("650102", 65, "xj", "新疆维吾尔自治区", "新")]
    [InlineData("820000", 82, "mo", "澳门特别行政区", "澳")]
    public void Every_province_of_the_registry_is_known_by_division_code_and_node_id(string division, int code, string node, string nameZh, string shortZh)
    {
        Assert.True(Province.TryFromDivision(division, out var province));
        Assert.Equal((code, node, nameZh, shortZh), (province.Code, province.NodeId, province.NameZh, province.ShortZh));
        Assert.Equal(province, Province.FromNodeId(node));
        Assert.Equal(province, Province.FromCode(code));
    }

    [Fact]
    public void The_registry_holds_the_34_provincial_level_divisions_of_gb_t_2260_once_each()
    {
        Assert.Equal(34, Province.All.Count);
        Assert.Equal(34, Province.All.Select(p => p.NodeId).Distinct().Count());
        Assert.Equal(34, Province.All.Select(p => p.ShortZh).Distinct().Count());
        Assert.Equal(
            [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82],
            Province.All.Select(p => p.Code));
    }

    [Theory]
    [InlineData("990101")]
    [InlineData("100000")]
    [InlineData("x1")]
    public void Codes_outside_the_registry_are_no_province(string division)
    {
        Assert.False(Province.TryFromDivision(division, out _));
        Assert.False(Province.TryFromNodeId("zz", out _));
        Assert.Throws<ArgumentException>(() => Province.FromNodeId("zz"));
    }
}
