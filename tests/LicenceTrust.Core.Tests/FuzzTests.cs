using CsCheck;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Results;
using LicenceTrust.Testing;
using LicenceTrust.Testing.Vectors;

namespace LicenceTrust.Core.Tests;

/// <summary>
/// Property-based fuzzing of the decoder and verifier (CsCheck), seeded with the published vectors:
/// mutated QR texts and mutated COSE messages (re-wrapped so they get past the outer layers) must never
/// throw and must never be VALID unless they carry exactly the signed content (protected header, payload,
/// signature) of a genuine credential. (The long run found that dropping the optional COSE tag 18 keeps a
/// credential VALID: the same signed content, as docs/format.md allows, hence this oracle.)
/// CI runs 20,000 inputs; the long run is <c>LICENCETRUST_FUZZ_ITERATIONS=200000 dotnet test
/// tests/LicenceTrust.Core.Tests --filter FuzzTests</c>.
/// </summary>
public class FuzzTests
{
    private const string Base45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    private static readonly TestVector[] Seeds = [.. new[] { CredentialEncoding.Lt1, CredentialEncoding.Lt2 }
        .SelectMany(e => VectorSet.Read(Path.Combine(RepositoryPaths.Vectors, VectorSet.FileName(e))).Vectors).Where(v => v.Qr.Length > 0)];
    private static readonly CredentialVerifier Verifier = new(SampleKeys.TrustStore);
    /// <summary>
    /// The signed content of every vector that is VALID at some time: at its own verification time, or at
    /// the demo time when it was in force. An expired credential is genuine too, and a mutation that turns
    /// "payload-altered" back into it is VALID at a time it was in force (a CI run found exactly that).
    /// A vector that fails for any other reason (another authority's key, a forged signature) stays out.
    /// </summary>
    private static readonly HashSet<string> Genuine = [.. Seeds
        .Where(v => Verifier.Verify(v.Qr, v.VerifyAt).Verdict == Verdict.Valid || Verifier.Verify(v.Qr, TestClock.Now).Verdict == Verdict.Valid)
        .Select(v => SignedContent(CredentialReader.Read(v.Qr).Credential!))];

    private static long Iterations => long.TryParse(Environment.GetEnvironmentVariable("LICENCETRUST_FUZZ_ITERATIONS"), out var n) ? n : 10_000;

    /// <summary>The seeds of one format: LT1 texts, or LT2 texts.</summary>
    private static TestVector[] SeedsOf(CredentialEncoding encoding) =>
        [.. Seeds.Where(v => v.Qr.StartsWith(new WireFormat(encoding).Prefix, StringComparison.Ordinal))];

    /// <summary>One mutation: which seed, which operation, where, with what.</summary>
    private static Gen<(int Seed, int Op, int Position, int Length, byte Value)> Mutation(int seeds) =>
        Gen.Select(Gen.Int[0, seeds - 1], Gen.Int[0, 7], Gen.Int[0, 4096], Gen.Int[1, 64], Gen.Byte);

    /// <summary>Each format gets the full iteration count, so adding LT2 took nothing from LT1's coverage.</summary>
    [Theory]
    [InlineData(CredentialEncoding.Lt1)]
    [InlineData(CredentialEncoding.Lt2)]
    public void Mutated_QR_texts_never_throw_and_are_never_VALID_unless_genuine(CredentialEncoding encoding)
    {
        var seeds = SeedsOf(encoding);
        Mutation(seeds.Length).Sample(m =>
        {
            var seed = seeds[m.Seed];
            var text = MutateText(seed.Qr, m.Op, m.Position, m.Length, m.Value);
            Check(text, seed.VerifyAt);
        }, iter: Iterations, threads: 1);
    }

    [Theory]
    [InlineData(CredentialEncoding.Lt1)]
    [InlineData(CredentialEncoding.Lt2)]
    public void Mutated_COSE_messages_inside_a_valid_envelope_never_throw_and_are_never_VALID_unless_genuine(CredentialEncoding encoding)
    {
        var seeds = SeedsOf(encoding);
        var wire = new WireFormat(encoding);
        Mutation(seeds.Length).Sample(m =>
        {
            var seed = seeds[m.Seed];
            if (CredentialReader.Read(seed.Qr).Credential is not { } credential)
            {
                return;
            }

            var bytes = MutateBytes(credential.CoseBytes.ToArray(), m.Op, m.Position, m.Length, m.Value);
            Check(wire.Wrap(bytes), seed.VerifyAt);
        }, iter: Iterations, threads: 1);
    }

    private static void Check(string text, DateTimeOffset at)
    {
        var result = Verifier.Verify(text, at);
        if (result.Verdict == Verdict.Valid)
        {
            Assert.True(Genuine.Contains(SignedContent(CredentialReader.Read(text).Credential!)), $"VALID for a credential that is not genuine: {text}");
        }
    }

    private static string SignedContent(DecodedCredential credential) =>
        $"{Convert.ToHexString(credential.ProtectedHeader.Span)}.{Convert.ToHexString(credential.Payload.Span)}.{Convert.ToHexString(credential.Signature.Span)}";

    private static string MutateText(string text, int op, int position, int length, byte value)
    {
        var at = position % (text.Length + 1);
        var end = Math.Min(text.Length, at + length);
        var letter = Base45Alphabet[value % Base45Alphabet.Length];
        return op switch
        {
            0 => at < text.Length ? string.Concat(text.AsSpan(0, at), letter.ToString(), text.AsSpan(at + 1)) : text + letter,
            1 => string.Concat(text.AsSpan(0, at), text.AsSpan(end)),
            2 => text[..at],
            3 => text.Insert(at, letter.ToString()),
            4 => string.Concat(text.AsSpan(0, end), text.AsSpan(at, end - at), text.AsSpan(end)),
            5 => text.Insert(at, ((char)value).ToString()),
            6 => at < text.Length ? string.Concat(text.AsSpan(0, at), char.ToLowerInvariant(text[at]).ToString(), text.AsSpan(at + 1)) : text,
            _ => string.Concat(text.AsSpan(0, at), new string(letter, length), text.AsSpan(at)),
        };
    }

    private static byte[] MutateBytes(byte[] bytes, int op, int position, int length, byte value)
    {
        var at = position % bytes.Length;
        var list = bytes.ToList();
        switch (op)
        {
            case 0: list[at] ^= (byte)(1 << (value % 8)); break;
            case 1: list[at] = value; break;
            case 2: list.RemoveRange(at, Math.Min(length, list.Count - at)); break;
            case 3: list.Insert(at, value); break;
            case 4: list.InsertRange(at, list.Skip(at).Take(length).ToList()); break;
            case 5: list = list.Take(at).ToList(); break;
            case 6: list[at] = (byte)(list[at] + 1); break;
            default: list.InsertRange(at, Enumerable.Repeat(value, length)); break;
        }

        return [.. list];
    }
}
