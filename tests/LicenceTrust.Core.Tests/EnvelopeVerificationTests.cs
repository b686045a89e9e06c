using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;

namespace LicenceTrust.Core.Tests;

/// <summary>
/// The one envelope check (typ → kid → alg → key → signature), which credentials, the re-check after
/// signing, receipts, status tokens and trust documents all go through: each step refuses with its own reason.
/// </summary>
public class EnvelopeVerificationTests
{
    private static readonly SigningKey Sm2 = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
    private static readonly SigningKey Es256 = SigningKey.Generate(SignatureAlgorithm.Es256);
    private static readonly KeyId Kid = new(42);
    private static readonly DocumentKind Kind = new("test document", Typ: "application/test+cwt");

    private sealed record Signer(KeyId Kid, VerificationKey Key);

    private static Signer Of(SigningKey key, KeyId kid) => new(kid, VerificationKey.FromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo.ToArray()));

    private static EnvelopeRefusal Open(byte[] document, params Signer[] signers)
    {
        EnvelopeVerification.OpenDocument(document, Kind, _ => signers, static s => (s.Kid, s.Key), out _, out var refusal, out _);
        return refusal;
    }

    [Fact]
    public void Each_step_refuses_with_its_own_reason_and_the_right_key_opens_it()
    {
        var document = CoseSign1.SignDocument("{}"u8, Sm2, Kid, typ: Kind.Typ);

        Assert.Equal(EnvelopeRefusal.Malformed, Open([0xA0], Of(Sm2, Kid)));
        Assert.Equal(EnvelopeRefusal.WrongType, Open(CoseSign1.SignDocument("{}"u8, Sm2, Kid, typ: "application/other+cwt"), Of(Sm2, Kid)));
        Assert.Equal(EnvelopeRefusal.UnknownKey, Open(document, Of(Sm2, new KeyId(7))));
        Assert.Equal(EnvelopeRefusal.AlgorithmKeyMismatch, Open(document, Of(Es256, Kid)));
        Assert.Equal(EnvelopeRefusal.SignatureInvalid, Open(document, Of(SigningKey.Generate(SignatureAlgorithm.Sm2Sm3), Kid)));
        Assert.Equal(EnvelopeRefusal.None, Open(document, Of(Es256, Kid), Of(SigningKey.Generate(SignatureAlgorithm.Sm2Sm3), Kid), Of(Sm2, Kid)));
    }

    [Fact]
    public void A_remembered_signature_is_not_checked_again_and_a_fresh_one_is_remembered()
    {
        var document = CoseSign1.SignDocument("{}"u8, Sm2, Kid, typ: Kind.Typ);
        var message = CoseSign1.ReadDocument(document, out _)!;
        Signer[] signers = [Of(Sm2, Kid)];
        var told = 0;

        var fresh = EnvelopeVerification.FindSigner(message.Algorithm, message.Kid, message.ProtectedHeader, message.Payload, message.Signature, signers,
            static s => (s.Kid, s.Key), out _, remembered: _ => false, verified: _ => told++);
        var remembered = EnvelopeVerification.FindSigner(message.Algorithm, message.Kid, message.ProtectedHeader, message.Payload, new byte[64], signers,
            static s => (s.Kid, s.Key), out var refusal, remembered: _ => true);

        Assert.Same(signers[0], fresh);
        Assert.Equal(1, told);
        Assert.Same(signers[0], remembered);
        Assert.Equal(EnvelopeRefusal.None, refusal);
    }
}
