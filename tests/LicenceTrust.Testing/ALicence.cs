using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Samples;

namespace LicenceTrust.Testing;

/// <summary>Builds demo licences with the fields a test cares about overridden.</summary>
public sealed class ALicence
{
    private LicenceType _type;
    private Province _province = SampleProvinces.Sichuan;
    private int _sequence = 1;
    private DateOnly? _validFrom;
    private DateOnly? _validTo;
    private bool _longTerm;
    private string? _authorityCode;
    private string? _holderName;
    private readonly Dictionary<string, string> _attributes = new(StringComparer.Ordinal);

    private ALicence(LicenceType type) => _type = type;

    public static ALicence OfType(LicenceType type) => new(type);

    public ALicence In(Province province)
    {
        _province = province;
        return this;
    }

    public ALicence Numbered(int sequence)
    {
        _sequence = sequence;
        return this;
    }

    public ALicence Valid(DateOnly from, DateOnly? to)
    {
        _validFrom = from;
        _validTo = to;
        _longTerm = to is null;
        return this;
    }

    /// <summary>Another holder name, as given: a credential signed elsewhere may carry what this node's issuance would refuse.</summary>
    public ALicence HeldBy(string name)
    {
        _holderName = name;
        return this;
    }

    /// <summary>Sets one attribute's value, as given.</summary>
    public ALicence WithAttribute(string key, string value)
    {
        _attributes[key] = value;
        return this;
    }

    /// <summary>Names another authority in the identifier (for issuer-mismatch tests).</summary>
    public ALicence ClaimingAuthority(string authorityCode)
    {
        _authorityCode = authorityCode;
        return this;
    }

    public Licence Build()
    {
        var demo = DemoLicences.Create(_province, _type, _sequence);
        var identifier = _authorityCode is null
            ? demo.Identifier
            : LicenceIdentifier.Create(demo.TypeCode, UnifiedSocialCreditCode.Parse(_authorityCode), demo.Identifier.Serial);
        var validFrom = _validFrom ?? demo.ValidFrom;
        var validTo = _longTerm ? null : _validTo ?? demo.ValidTo;
        var holder = _holderName is null ? demo.Holder : LicenceHolder.Create(_holderName, demo.Holder.CodeType, demo.Holder.Code);
        var attributes = demo.Attributes.Concat(_attributes).GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        return Licence.Create(identifier, demo.Name, demo.Number, holder, demo.AuthorityName, demo.AreaCode,
            validFrom < demo.IssueDate ? validFrom : demo.IssueDate, validFrom, validTo, attributes);
    }
}
