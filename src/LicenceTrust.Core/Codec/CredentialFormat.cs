using System.Collections.Frozen;
using System.Collections.Immutable;

namespace LicenceTrust.Core.Codec;

/// <summary>The credential formats a writer can produce; readers read both.</summary>
public enum CredentialEncoding
{
    /// <summary>LT1 (docs/format.md §1–10): still read everywhere; written during a transition only.</summary>
    Lt1 = 1,

    /// <summary>LT2 (docs/format.md §12): the compact form, written by default.</summary>
    Lt2 = 2,
}

/// <summary>Every label of the LT1 and LT2 formats, in one place. docs/format.md documents each.</summary>
public static class CredentialFormat
{
    /// <summary>The LT1 QR text prefix; the digit is the format version.</summary>
    public const string Prefix = "LT1:";

    /// <summary>The formats a reader accepts, newest first.</summary>
    private static readonly CredentialEncoding[] NewestFirst = [CredentialEncoding.Lt2, CredentialEncoding.Lt1];

    /// <summary>The prefixes a reader accepts, newest first (docs/format.md §1, §12).</summary>
    public static IReadOnlyList<string> Prefixes { get; } = [.. NewestFirst.Select(PrefixOf)];

    /// <summary>
    /// The format a setting names, <c>LT2</c> or <c>LT1</c> (any case, blank = LT2, what nodes issue); false for
    /// anything else. The node's <c>Issuance:CredentialFormat</c> and the CLI's <c>--format</c> both read it here.
    /// </summary>
    public static bool TryParseEncoding(string? text, out CredentialEncoding encoding)
    {
        encoding = CredentialEncoding.Lt2;
        switch (text?.Trim().ToUpperInvariant())
        {
            case null or "" or "LT2":
                return true;
            case "LT1":
                encoding = CredentialEncoding.Lt1;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The QR text prefix of a format.</summary>
    public static string PrefixOf(CredentialEncoding encoding) => encoding == CredentialEncoding.Lt2 ? Lt2.Prefix : Prefix;

    /// <summary>The format whose prefix the text starts with (it may still be unreadable after it); false for none.</summary>
    public static bool TryReadPrefix(string text, out CredentialEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var candidate in NewestFirst)
        {
            if (text.StartsWith(PrefixOf(candidate), StringComparison.Ordinal))
            {
                encoding = candidate;
                return true;
            }
        }

        encoding = default;
        return false;
    }

    /// <summary>CBOR tag of a COSE_Sign1 message (RFC 9052).</summary>
    public const ulong CoseSign1Tag = 18;

    /// <summary>COSE header labels (RFC 9052 §3.1).</summary>
    public static class Header
    {
        public const int Alg = 1;
        public const int Crit = 2;
        public const int ContentType = 3;
        public const int Kid = 4;
        public const int Typ = 16;
        public const int X5Chain = 33;

        /// <summary>LT2: the id of the preset deflate dictionary (private use, below -65536).</summary>
        public const int Dictionary = -65537;
    }

    /// <summary>CWT claim keys (RFC 8392; status from the IETF Token Status List).</summary>
    public static class Claim
    {
        public const int Iss = 1;
        public const int Exp = 4;
        public const int Nbf = 5;
        public const int Iat = 6;
        public const int Status = 65535;

        /// <summary>The licence claim: a private-use CWT claim key (below -65536).</summary>
        public const int Licence = -65537;
    }

    /// <summary>Keys of the licence claim map.</summary>
    public static class Licence
    {
        public const int Identifier = 1;
        public const int Name = 2;
        public const int Number = 3;
        public const int HolderName = 4;
        public const int HolderCodeType = 5;
        public const int HolderCode = 6;
        public const int AuthorityName = 7;
        public const int AreaCode = 8;
        public const int IssueDate = 9;
        public const int ValidFrom = 10;
        public const int ValidTo = 11;
        public const int Attributes = 12;
    }

    /// <summary>
    /// The type names LT1 leaves out of key 2 when a licence's name equals its type's name, and restores
    /// on reading. The table is part of the format, fixed for LT1 (docs/format.md §5): it never follows
    /// a node's configurable catalogue, so two nodes with different catalogues read every credential alike.
    /// </summary>
    public static readonly FrozenDictionary<string, string> ImpliedTypeNames = new Dictionary<string, string>
    {
        ["11100000MB0100001D001"] = "营业执照",
        ["11100000MB0100001D002"] = "食品经营许可证",
        ["11100000MB02000023001"] = "建筑施工企业安全生产许可证",
        ["11100000MB0300003Q001"] = "专业技术资格证书",
        ["11100000MB0400004E001"] = "外国人工作许可证",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Whether a licence's name is the one the format implies for its type (<see cref="ImpliedTypeNames"/>), so
    /// a writer leaves it out: it saves up to 40 bytes of QR space, and every reader restores it from the table.
    /// </summary>
    public static bool NameIsImplied(string typeCode, string name) =>
        ImpliedTypeNames.TryGetValue(typeCode, out var implied) && implied == name;

    /// <summary>Text keys inside the status claim (IETF Token Status List, CWT form).</summary>
    public static class Status
    {
        public const string StatusList = "status_list";
        public const string Index = "idx";
        public const string Uri = "uri";
    }

    /// <summary>CBOR tag 100: a full date as days since 1970-01-01 (RFC 8943).</summary>
    public const ulong DaysSinceEpochTag = 100;

    /// <summary>The compact format (docs/format.md §12): what differs from LT1.</summary>
    public static class Lt2
    {
        /// <summary>The LT2 QR text prefix.</summary>
        public const string Prefix = "LT2:";

        /// <summary>The status reference claim: <c>[list number, index]</c> (private use, below -65536).</summary>
        public const int StatusClaim = -65538;

        /// <summary>Keys of the LT2 licence claim map.</summary>
        public static class Licence
        {
            public const int TypeCode = 1;
            public const int Name = 2;
            public const int Number = 3;
            public const int HolderName = 4;
            public const int HolderCodeType = 5;
            public const int HolderCode = 6;
            public const int AuthorityName = 7;
            public const int AreaCode = 8;

            /// <summary>Days since 1970-01-01, a plain integer.</summary>
            public const int IssueDate = 9;

            /// <summary>Days from the issue date to 有效期起始; absent when they are the same day.</summary>
            public const int ValidFromOffset = 10;

            /// <summary>Days from 有效期起始 to 有效期截止; absent for a long-term licence.</summary>
            public const int ValidDays = 11;

            public const int Attributes = 12;
            public const int Serial = 13;

            /// <summary>The identifier's version; absent for version 1.</summary>
            public const int Version = 14;
        }

        /// <summary>
        /// Integer attribute keys, per type, fixed for LT2 (docs/format.md §12.3): attribute i of a type's
        /// list is written as key i + 1, any other attribute under its text key. Taken from the shipped
        /// catalogue when LT2 was defined; like <see cref="ImpliedTypeNames"/> it never follows a node's catalogue.
        /// </summary>
        public static readonly FrozenDictionary<string, ImmutableArray<string>> AttributeKeys = new Dictionary<string, ImmutableArray<string>>
        {
            ["11100000MB0100001D001"] = ["entityType", "legalRep", "capital"],
            ["11100000MB0100001D002"] = ["format", "items"],
            ["11100000MB02000023001"] = ["scope", "principal"],
            ["11100000MB0300003Q001"] = ["specialty", "level"],
            ["11100000MB0400004E001"] = ["nationality", "category", "employer"],
        }.ToFrozenDictionary(StringComparer.Ordinal);

        /// <summary>The integer-keyed attributes of a type, in key order; empty for a type outside the table.</summary>
        public static ImmutableArray<string> NumberedAttributes(string typeCode) => AttributeKeys.TryGetValue(typeCode, out var keys) ? keys : [];
    }
}
