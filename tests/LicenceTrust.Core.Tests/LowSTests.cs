using LicenceTrust.Core.Crypto;
using Org.BouncyCastle.Asn1.Nist;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace LicenceTrust.Core.Tests;

/// <summary>
/// ES256 malleability (docs/format.md §1): (r, s) and (r, n − s) both verify. The writer always signs
/// with low S, so a credential this node signs has one signature; verification accepts both, because
/// ES256 credentials signed before low S are high S half the time and must keep verifying.
/// </summary>
public class LowSTests
{
    private static readonly BigInteger N = NistNamedCurves.GetByName("P-256").N;

    [Fact]
    public void Every_ES256_signature_is_low_S_and_its_high_S_twin_still_verifies()
    {
        var key = SigningKey.Generate(SignatureAlgorithm.Es256);
        var verifier = VerificationKey.FromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo.ToArray());
        for (var i = 0; i < 64; i++)
        {
            var data = BitConverter.GetBytes(i);
            var signature = key.Sign(data);
            var s = new BigInteger(1, signature, 32, 32);

            Assert.True(s.CompareTo(N.ShiftRight(1)) <= 0, $"high S in signature {i}");
            Assert.True(verifier.Verify(data, signature));
            var twin = (byte[])signature.Clone();
            var high = N.Subtract(s).ToByteArrayUnsigned();
            Array.Clear(twin, 32, 32);
            high.CopyTo(twin, 64 - high.Length);
            Assert.True(verifier.Verify(data, twin), "a high-S signature made before low S must still verify");
        }
    }
}
