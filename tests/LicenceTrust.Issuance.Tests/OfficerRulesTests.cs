using System.Text;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Issuance.Tests;

/// <summary>The console's rules that need no database: passwords, the separation of duties, first passwords.</summary>
public class PasswordPolicyTests
{
    [Theory]
    [InlineData("aaaaaaaaaaaaaa", "PASSWORD_WEAK")] // too few different characters
    [InlineData("121212121212", "PASSWORD_WEAK")]
    [InlineData("qwerty123456", "PASSWORD_WEAK")] // a common one with digits
    [InlineData("password2026!", "PASSWORD_WEAK")] // a common one with a year and a mark
    [InlineData("Qwertyuiop123", "PASSWORD_WEAK")]
    [InlineData("zhang.san.2026", "PASSWORD_WEAK")] // holds the user name
    [InlineData("ZHANG.SAN-x9k!", "PASSWORD_WEAK")] // case does not hide it
    [InlineData("short-pass", "PASSWORD_TOO_SHORT")]
    [InlineData("", "PASSWORD_TOO_SHORT")]
    public void Weak_passwords_are_refused_with_the_rule(string password, string code)
    {
        var problem = PasswordPolicy.Problem(password, "zhang.san");

        Assert.Equal(code, problem?.Error.Code);
        Assert.Equal("password", problem!.Error.Field);
        Assert.Matches("[\u4e00-\u9fff]", problem.Error.Detail);
    }

    [Theory]
    [InlineData("wharf-lantern-cobalt")]
    [InlineData("我的密码是重庆火锅很好吃")]
    [InlineData("Tr0ub4dor&3-horse")]
    public void Passwords_no_rule_refuses_pass(string password) => Assert.Null(PasswordPolicy.Problem(password, "zhang.san"));

    [Fact]
    public void The_shipped_list_is_a_real_list() => Assert.InRange(PasswordPolicy.CommonPasswords, 40_000, 60_000);

    [Fact]
    public void A_first_password_is_four_groups_of_unambiguous_characters_that_the_policy_allows()
    {
        var passwords = Enumerable.Range(0, 200).Select(_ => AdminRequests.FirstPassword("li.si")).ToList();

        Assert.All(passwords, p => Assert.Matches("^[2-9a-km-zA-HJ-NP-Z]{4}(-[2-9a-km-zA-HJ-NP-Z]{4}){3}$", p));
        Assert.All(passwords, p => Assert.Null(PasswordPolicy.Problem(p, "li.si")));
        Assert.Equal(passwords.Count, passwords.Distinct().Count());
    }
}

public class DutySeparationTests
{
    [Theory]
    [InlineData(OfficerRoles.Clerk)]
    [InlineData(OfficerRoles.Clerk | OfficerRoles.Approver)]
    [InlineData(OfficerRoles.SystemAdmin)]
    [InlineData(OfficerRoles.SecurityAdmin)]
    [InlineData(OfficerRoles.Auditor)]
    public void Business_roles_together_or_one_administrator_alone_are_allowed(OfficerRoles roles) => Assert.Null(DutySeparation.Problem(roles));

    [Theory]
    [InlineData(OfficerRoles.SystemAdmin | OfficerRoles.Approver, "ROLES_SEPARATED")]
    [InlineData(OfficerRoles.SecurityAdmin | OfficerRoles.Clerk, "ROLES_SEPARATED")]
    [InlineData(OfficerRoles.SystemAdmin | OfficerRoles.SecurityAdmin, "ROLES_SEPARATED")]
    [InlineData(OfficerRoles.SecurityAdmin | OfficerRoles.Auditor, "ROLES_SEPARATED")]
    [InlineData(OfficerRoles.None, "ROLE_UNKNOWN")]
    [InlineData((OfficerRoles)64, "ROLE_UNKNOWN")]
    public void Roles_one_person_may_not_hold_together_are_refused(OfficerRoles roles, string code) => Assert.Equal(code, DutySeparation.Problem(roles)?.Error.Code);

    [Fact]
    public void An_account_made_before_the_separation_gets_nothing_signed_through_its_business_role()
    {
        var old = new Officer("zhao.liu", "赵六", "11500000MB1A00011N", OfficerRoles.Approver | OfficerRoles.SystemAdmin, "hash", DateTimeOffset.UnixEpoch, null);

        Assert.False(old.Has(OfficerRoles.Approver));
        Assert.True(old.Has(OfficerRoles.SystemAdmin));
        Assert.Equal("OFFICER_ROLE_REQUIRED", Assert.Throws<LicenceTrustException>(() => old.Require(OfficerRoles.Approver)).Error.Code);
    }

    [Theory]
    [InlineData("clerk,approver", OfficerRoles.Clerk | OfficerRoles.Approver)]
    [InlineData("sysadmin", OfficerRoles.SystemAdmin)]
    [InlineData("管理员", OfficerRoles.SystemAdmin)]
    [InlineData("安全管理员", OfficerRoles.SecurityAdmin)]
    [InlineData("auditor", OfficerRoles.Auditor)]
    public void Roles_are_read_in_English_or_Chinese(string text, OfficerRoles roles) => Assert.Equal(roles, Officer.ParseRoles(text));
}

public class BatchFileRulesTests
{
    private const string Header = "typeCode,number,holderName,holderCodeType,holderCode,areaCode,validFrom\n";

    [Fact]
    public void A_number_repeated_in_one_file_is_refused_naming_both_lines()
    {
        var csv = Header
            + "11100000MB0100001D001,91500103MA5U0C0N2T,甲公司,001,91500103MA5U0C0N2T,500103,2026-01-01\n"
            + "11100000MB0100001D001,91500103MA5U0C0N3R,乙公司,001,91500103MA5U0C0N3R,500103,2026-01-01\n"
            + "11100000MB0100001D001, 91500103MA5U0C0N2T ,甲公司,001,91500103MA5U0C0N2T,500103,2026-01-01\n";

        var file = BatchFile.Read("rows.csv", Encoding.UTF8.GetBytes(csv));

        Assert.Equal([2, 3], file.Rows.Select(r => r.Line));
        var refused = Assert.Single(file.Refused);
        Assert.Equal((4, "LICENCE_NUMBER_REPEATED", "number"), (refused.Line, refused.Code, refused.Field));
        Assert.Contains("第4行与第2行", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_Excel_saved_in_GBK_is_read_as_the_Chinese_it_holds()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var csv = Header + "11100000MB0100001D001,91500103MA5U0C0N2T,重庆市渝中区甲乙丙有限公司,001,91500103MA5U0C0N2T,500103,2026-01-01\n";
        var gbk = Encoding.GetEncoding("GBK").GetBytes(csv);
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(gbk));

        var file = BatchFile.Read("rows.csv", gbk);

        Assert.Empty(file.Refused);
        Assert.Equal("重庆市渝中区甲乙丙有限公司", Assert.Single(file.Rows).Command.HolderName);
    }
}
