using System.Formats.Cbor;
using System.Globalization;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using Keys = LicenceTrust.Core.Codec.CredentialFormat.Lt2.Licence;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// The LT2 claims map (docs/format.md §12.2): <c>{1: iss, 6: iat, -65537: licence, -65538: [list, index]}</c>.
/// Nothing derivable is carried: the identifier is rebuilt from the type code, <c>iss</c>, the serial and the
/// version, with its check character recomputed; <c>nbf</c>/<c>exp</c> follow from the dates; dates are
/// day counts and offsets; the type's usual attributes have integer Keys. A value carried where the
/// shortest form leaves it out is refused, so each licence has one LT2 payload. Thread-safe.
/// </summary>
internal static class CompactClaims
{
    private static readonly int EpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public static byte[] Payload(CredentialClaims claims)
    {
        if (claims.Status.List is not { } list)
        {
            throw new ArgumentException("An LT2 credential needs the status list's number.", nameof(claims));
        }

        var licence = claims.Licence;
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(4);
        writer.WriteInt32(CredentialFormat.Claim.Iss);
        writer.WriteTextString(claims.Issuer);
        writer.WriteInt32(CredentialFormat.Claim.Iat);
        writer.WriteInt64(claims.IssuedAt.ToUnixTimeSeconds());
        writer.WriteInt32(CredentialFormat.Claim.Licence);
        WriteLicence(writer, licence);
        writer.WriteInt32(CredentialFormat.Lt2.StatusClaim);
        writer.WriteStartArray(2);
        writer.WriteInt32(list);
        writer.WriteInt64(claims.Status.Index);
        writer.WriteEndArray();
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static void WriteLicence(CborWriter writer, Licence licence)
    {
        var type = licence.TypeCode.Value;
        var writeName = !CredentialFormat.NameIsImplied(type, licence.Name);
        var fromOffset = licence.ValidFrom.DayNumber - licence.IssueDate.DayNumber;
        var version = licence.Identifier.Version;
        writer.WriteStartMap(9 + (writeName ? 1 : 0) + (fromOffset != 0 ? 1 : 0) + (licence.ValidTo is null ? 0 : 1)
            + (licence.Attributes.Count > 0 ? 1 : 0) + (version != 1 ? 1 : 0));
        writer.WriteInt32(Keys.TypeCode);
        writer.WriteTextString(type);
        if (writeName)
        {
            writer.WriteInt32(Keys.Name);
            writer.WriteTextString(licence.Name);
        }

        writer.WriteInt32(Keys.Number);
        writer.WriteTextString(licence.Number);
        writer.WriteInt32(Keys.HolderName);
        writer.WriteTextString(licence.Holder.Name);
        writer.WriteInt32(Keys.HolderCodeType);
        writer.WriteInt32((int)licence.Holder.CodeType);
        writer.WriteInt32(Keys.HolderCode);
        writer.WriteTextString(licence.Holder.Code);
        writer.WriteInt32(Keys.AuthorityName);
        writer.WriteTextString(licence.AuthorityName);
        writer.WriteInt32(Keys.AreaCode);
        writer.WriteInt32(int.Parse(licence.AreaCode, CultureInfo.InvariantCulture));
        writer.WriteInt32(Keys.IssueDate);
        writer.WriteInt32(licence.IssueDate.DayNumber - EpochDay);
        if (fromOffset != 0)
        {
            writer.WriteInt32(Keys.ValidFromOffset);
            writer.WriteInt32(fromOffset);
        }

        if (licence.ValidTo is { } to)
        {
            writer.WriteInt32(Keys.ValidDays);
            writer.WriteInt32(to.DayNumber - licence.ValidFrom.DayNumber);
        }

        if (licence.Attributes.Count > 0)
        {
            var numbered = CredentialFormat.Lt2.NumberedAttributes(type);
            writer.WriteInt32(Keys.Attributes);
            writer.WriteStartMap(licence.Attributes.Count);
            foreach (var (key, value) in licence.Attributes)
            {
                var index = numbered.IndexOf(key);
                if (index >= 0)
                {
                    writer.WriteInt32(index + 1);
                }
                else
                {
                    writer.WriteTextString(key);
                }

                writer.WriteTextString(value);
            }

            writer.WriteEndMap();
        }

        writer.WriteInt32(Keys.Serial);
        writer.WriteTextString(licence.Identifier.Serial);
        if (version != 1)
        {
            writer.WriteInt32(Keys.Version);
            writer.WriteInt32(version);
        }

        writer.WriteEndMap();
    }

    /// <summary>Reads the claims map; throws <see cref="FormatException"/> (or a CBOR exception) naming the rule broken.</summary>
    public static CredentialClaims Read(CborReader reader, CodecLimits limits, ref ReasonCode stage)
    {
        string? iss = null;
        long? iat = null;
        LicenceFields? fields = null;
        StatusReference? status = null;
        foreach (var key in CredentialReader.ClaimKeys(reader, limits))
        {
            switch (key)
            {
                case CredentialFormat.Claim.Iss: iss = reader.ReadTextString(); break;
                case CredentialFormat.Claim.Iat: iat = reader.ReadInt64(); break;
                case CredentialFormat.Claim.Exp or CredentialFormat.Claim.Nbf:
                    throw new FormatException("LT2 carries no nbf or exp: they follow from the licence's dates");
                case CredentialFormat.Claim.Licence:
                    stage = ReasonCode.LicenceClaimMalformed;
                    fields = ReadLicence(reader, limits);
                    stage = ReasonCode.ClaimsMalformed;
                    break;
                case CredentialFormat.Lt2.StatusClaim:
                    stage = ReasonCode.StatusClaimMalformed;
                    status = ReadStatus(reader);
                    stage = ReasonCode.ClaimsMalformed;
                    break;
                default: CoseSign1Reader.SkipBounded(reader, 1, limits.MaxCborDepth); break;
            }
        }

        if (iss is null || iat is null || fields is null || status is null)
        {
            throw new FormatException("a required claim (iss, iat, licence, status) is missing");
        }

        var issuedAt = CredentialReader.IssuedAt(iat.Value);
        stage = ReasonCode.LicenceClaimMalformed;
        var licence = fields.Build(iss);
        stage = ReasonCode.ClaimsMalformed;
        return CredentialClaims.Create(licence, issuedAt, status);
    }

    private static StatusReference ReadStatus(CborReader reader)
    {
        if (reader.ReadStartArray() != 2)
        {
            throw new FormatException("the status reference is not [list, index]");
        }

        var list = reader.ReadInt64();
        var index = reader.ReadInt64();
        reader.ReadEndArray();
        if (list is < 0 or > int.MaxValue || index < 0)
        {
            throw new FormatException("the status reference needs a list number and an index ≥ 0");
        }

        return new StatusReference(index, null, (int)list);
    }

    private static LicenceFields ReadLicence(CborReader reader, CodecLimits limits)
    {
        var fields = new LicenceFields();
        var count = reader.ReadStartMap();
        for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
        {
            var key = reader.ReadInt32();
            switch (key)
            {
                case Keys.TypeCode or Keys.Name or Keys.Number or Keys.HolderName or Keys.HolderCode or Keys.AuthorityName or Keys.Serial:
                    fields.Text[key] = reader.ReadTextString();
                    break;
                case Keys.HolderCodeType or Keys.AreaCode or Keys.IssueDate or Keys.ValidFromOffset or Keys.ValidDays or Keys.Version:
                    fields.Numbers[key] = reader.ReadInt32();
                    break;
                case Keys.Attributes:
                    var n = reader.ReadStartMap();
                    for (var j = 0; n is null ? reader.PeekState() != CborReaderState.EndMap : j < n; j++)
                    {
                        object attribute = reader.PeekState() == CborReaderState.TextString ? reader.ReadTextString() : reader.ReadInt32();
                        fields.Attributes.Add((attribute, reader.ReadTextString()));
                    }

                    reader.ReadEndMap();
                    break;
                default: CoseSign1Reader.SkipBounded(reader, 1, limits.MaxCborDepth); break;
            }
        }

        reader.ReadEndMap();
        return fields;
    }

    /// <summary>The licence claim as read, turned into a licence once <c>iss</c> is known.</summary>
    private sealed class LicenceFields
    {
        public Dictionary<int, string> Text { get; } = [];

        public Dictionary<int, int> Numbers { get; } = [];

        public List<(object Key, string Value)> Attributes { get; } = [];

        public Licence Build(string iss)
        {
            var type = Required(Text, Keys.TypeCode);
            var version = Numbers.GetValueOrDefault(Keys.Version, 1);
            if (Numbers.TryGetValue(Keys.Version, out var written) && written == 1)
            {
                throw new FormatException("version 1 is written (LT2 leaves it out)");
            }

            if (!LicenceIdentifier.TryFromParts(type, iss, Required(Text, Keys.Serial), version, out var identifier, out var error))
            {
                throw new FormatException(error);
            }

            string name;
            if (Text.TryGetValue(Keys.Name, out var carried))
            {
                name = CredentialFormat.NameIsImplied(type, carried)
                    ? throw new FormatException("the licence name is written though the format implies it")
                    : carried;
            }
            else
            {
                name = CredentialFormat.ImpliedTypeNames.TryGetValue(type, out var implied) ? implied
                    : throw new FormatException("the licence name is missing and the type's name is not implied by the format");
            }

            if (!HolderCodeTypes.TryFromNumber(Required(Numbers, Keys.HolderCodeType), out var codeType))
            {
                throw new FormatException("holder code type is unknown");
            }

            var area = Required(Numbers, Keys.AreaCode);
            if (area is < 100000 or > 999999)
            {
                throw new FormatException("area code is not 6 digits");
            }

            if (Numbers.TryGetValue(Keys.ValidFromOffset, out var offset) && offset == 0)
            {
                throw new FormatException("a valid-from offset of 0 is written (LT2 leaves it out)");
            }

            var issued = Day(Required(Numbers, Keys.IssueDate));
            var from = Day((long)issued.DayNumber - EpochDay + offset);
            var to = Numbers.TryGetValue(Keys.ValidDays, out var days) ? Day((long)from.DayNumber - EpochDay + days) : (DateOnly?)null;
            return Licence.Create(
                identifier,
                name,
                Required(Text, Keys.Number),
                LicenceHolder.FromCredential(Required(Text, Keys.HolderName), codeType, Required(Text, Keys.HolderCode)),
                Required(Text, Keys.AuthorityName),
                area.ToString(CultureInfo.InvariantCulture),
                issued,
                from,
                to,
                AttributeMap(type));
        }

        private Dictionary<string, string> AttributeMap(string type)
        {
            var numbered = CredentialFormat.Lt2.NumberedAttributes(type);
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in Attributes)
            {
                var name = key switch
                {
                    int n when n >= 1 && n <= numbered.Length => numbered[n - 1],
                    int n => throw new FormatException($"attribute key {n} is not defined for this type in LT2"),
                    string s when numbered.Contains(s) => throw new FormatException($"attribute '{s}' is written under its text key, not its integer key"),
                    string s => s,
                    _ => throw new FormatException("an attribute key is neither text nor an integer"),
                };
                if (!map.TryAdd(name, value))
                {
                    throw new FormatException($"attribute '{name}' appears twice");
                }
            }

            return map;
        }

        private static DateOnly Day(long days) =>
            days < -EpochDay || days > DateOnly.MaxValue.DayNumber - EpochDay
                ? throw new FormatException("a date is out of range")
                : DateOnly.FromDayNumber((int)(EpochDay + days));

        private static T Required<T>(Dictionary<int, T> values, int key) =>
            values.TryGetValue(key, out var value) ? value : throw new FormatException($"licence field {key} is missing");
    }
}
