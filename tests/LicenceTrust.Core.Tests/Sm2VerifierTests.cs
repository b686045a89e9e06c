using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Crypto.Sm2;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Security;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace LicenceTrust.Core.Tests;

/// <summary>
/// Our SM2 verifier against BouncyCastle's, which stays the reference: field arithmetic, point
/// arithmetic and whole verifications must agree on random and on hostile values. OpenSSL checks it
/// too (<see cref="IndependentImplementationTests"/>).
/// </summary>
public class Sm2VerifierTests
{
    private static readonly ECDomainParameters Domain = Curves.Sm2;
    private static readonly BigInteger P = Domain.Curve.Field.Characteristic;
    private static readonly BigInteger N = Domain.N;
    private readonly Random _random = new(20261203);

    [Fact]
    public void The_prime_has_the_low_limb_the_Montgomery_product_relies_on()
    {
        Assert.Equal(ulong.MaxValue, Sm2Field.P.L0);
        Assert.Equal(P, Sm2Constants.ToBouncyCastle(Sm2Field.P));
        Assert.Equal(N, Sm2Constants.ToBouncyCastle(Sm2Constants.N));
    }

    [Fact]
    public void Field_arithmetic_agrees_with_big_integers()
    {
        var values = EdgeValues(P).Concat(Enumerable.Range(0, 400).Select(_ => RandomBelow(P))).ToList();
        for (var i = 0; i < values.Count; i++)
        {
            var a = values[i];
            var b = values[(i * 7 + 3) % values.Count];
            var ma = Sm2Field.ToMontgomery(Sm2Constants.FromBouncyCastle(a));
            var mb = Sm2Field.ToMontgomery(Sm2Constants.FromBouncyCastle(b));

            Assert.Equal(a, Plain(ma));
            Assert.Equal(a.Multiply(b).Mod(P), Plain(Sm2Field.Multiply(ma, mb)));
            Assert.Equal(a.Multiply(a).Mod(P), Plain(Sm2Field.Square(ma)));
            Assert.Equal(a.Add(b).Mod(P), Plain(Sm2Field.Add(ma, mb)));
            Assert.Equal(a.Subtract(b).Mod(P), Plain(Sm2Field.Subtract(ma, mb)));
            if (a.SignValue != 0)
            {
                Assert.Equal(a.ModInverse(P), Plain(Sm2Field.Invert(ma)));
            }
        }
    }

    [Fact]
    public void Scalar_helpers_agree_with_big_integers()
    {
        var values = EdgeValues(N).Concat(Enumerable.Range(0, 200).Select(_ => RandomBelow(N))).ToList();
        var twoToThe256 = BigInteger.One.ShiftLeft(256);
        for (var i = 0; i < values.Count; i++)
        {
            var a = values[i];
            var b = values[(i * 5 + 1) % values.Count];
            var ua = Sm2Constants.FromBouncyCastle(a);
            var ub = Sm2Constants.FromBouncyCastle(b);
            Assert.Equal(a.Add(b).Mod(N), Sm2Constants.ToBouncyCastle(U256.AddModulo(ua, ub, Sm2Constants.N)));
            Assert.Equal(a.Subtract(b).Mod(N), Sm2Constants.ToBouncyCastle(U256.SubtractModulo(ua, ub, Sm2Constants.N)));
            Assert.Equal(a.CompareTo(b) < 0, U256.IsLess(ua, ub));

            // x mod n for x < 2n, the reduction of a digest or an x coordinate: both can be ≥ n.
            var big = a.Add(N).Min(twoToThe256.Subtract(BigInteger.One));
            Assert.Equal(big.Mod(N), Sm2Constants.ToBouncyCastle(U256.ReduceOnce(Sm2Constants.FromBouncyCastle(big), Sm2Constants.N)));
            for (var width = 1; width <= 10; width++)
            {
                var position = (i * 37) % 256;
                var expected = a.ShiftRight(position).IntValue & ((1 << width) - 1);
                Assert.Equal(expected, ua.Bits(position, Math.Min(width, 256 - position)));
            }
        }
    }

    [Fact]
    public void Point_addition_handles_doubling_negation_and_infinity()
    {
        var g = AffinePoint.From(Domain.G);
        var twoG = AffinePoint.From(Domain.G.Twice());
        var minusG = AffinePoint.From(Domain.G.Negate());

        var sum = JacobianPoint.From(g).Add(g);
        AssertSame(Domain.G.Twice(), sum);
        AssertSame(Domain.G.Twice(), JacobianPoint.From(g).Double());
        Assert.True(JacobianPoint.From(g).Add(minusG).IsInfinity);
        AssertSame(Domain.G, JacobianPoint.Infinity.Add(g));
        Assert.True(JacobianPoint.Infinity.Double().IsInfinity);
        AssertSame(Domain.G.Multiply(BigInteger.Three), JacobianPoint.From(twoG).Add(g));
    }

    /// <summary>
    /// x ≥ n happens for one point in about 2¹²⁸, so no real signature reaches the x = c + n branch; the
    /// check is tested on its own, on made-up Jacobian coordinates.
    /// </summary>
    [Fact]
    public void The_x_check_without_inversion_accepts_c_and_c_plus_n_and_nothing_else()
    {
        var pMinusN = P.Subtract(N);
        for (var i = 0; i < 100; i++)
        {
            var z = Sm2Field.ToMontgomery(Sm2Constants.FromBouncyCastle(RandomBelow(P.Subtract(BigInteger.One)).Add(BigInteger.One)));
            var zz = Sm2Field.Square(z);
            var c = i % 2 == 0 ? RandomBelow(N) : RandomBelow(pMinusN);
            var uc = Sm2Constants.FromBouncyCastle(c);
            JacobianPoint WithX(BigInteger x) => new(Sm2Field.Multiply(Sm2Field.ToMontgomery(Sm2Constants.FromBouncyCastle(x)), zz), default, z);

            Assert.True(Sm2Verifier.HasAffineXModOrder(WithX(c), uc));
            Assert.False(Sm2Verifier.HasAffineXModOrder(WithX(c.Add(BigInteger.One).Mod(P)), uc));
            if (c.CompareTo(pMinusN) < 0)
            {
                Assert.True(Sm2Verifier.HasAffineXModOrder(WithX(c.Add(N)), uc), "x = c + n < p");
                Assert.False(Sm2Verifier.HasAffineXModOrder(WithX(c.Add(N).Add(BigInteger.One)), uc));
            }
        }

        // c + n ≥ p: no such x exists, so only x = c matches.
        var large = N.Subtract(BigInteger.One);
        var one = Sm2Field.One;
        Assert.True(Sm2Verifier.HasAffineXModOrder(new JacobianPoint(Sm2Field.ToMontgomery(Sm2Constants.FromBouncyCastle(large)), default, one), Sm2Constants.FromBouncyCastle(large)));
        Assert.False(Sm2Verifier.HasAffineXModOrder(new JacobianPoint(Sm2Field.ToMontgomery(Sm2Constants.FromBouncyCastle(large.Add(N).Mod(P))), default, one), Sm2Constants.FromBouncyCastle(large)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(8)]
    public void A_fixed_base_table_multiplies_like_BouncyCastle(int width)
    {
        var point = Domain.G.Multiply(RandomBelow(N)).Normalize();
        var table = new FixedBaseTable(AffinePoint.From(point), width);
        var scalars = EdgeValues(N).Where(k => k.SignValue != 0)
            .Append(BigInteger.One.ShiftLeft(255))
            .Concat(Enumerable.Range(0, 20).Select(_ => RandomBelow(N)));
        foreach (var k in scalars)
        {
            AssertSame(point.Multiply(k), table.AddMultiple(JacobianPoint.Infinity, Sm2Constants.FromBouncyCastle(k)));
        }

        // k = n: every window's multiple adds up to infinity on the way.
        Assert.True(table.AddMultiple(JacobianPoint.Infinity, Sm2Constants.N).IsInfinity);
    }

    [Fact]
    public void Genuine_signatures_verify_and_every_altered_one_is_refused_as_BouncyCastle_refuses_it()
    {
        for (var round = 0; round < 40; round++)
        {
            var (privateKey, publicKey) = NewKey();
            var ours = new Sm2Verifier(publicKey, SigningKey.Sm2UserId);
            var message = new byte[_random.Next(0, 600)];
            _random.NextBytes(message);
            var signature = Sign(privateKey, message);

            Assert.True(ours.Verify(message, signature));
            Assert.True(Reference(publicKey, message, signature));

            var flipped = (byte[])signature.Clone();
            flipped[_random.Next(64)] ^= (byte)(1 << _random.Next(8));
            Assert.Equal(Reference(publicKey, message, flipped), ours.Verify(message, flipped));

            if (message.Length > 0)
            {
                var altered = (byte[])message.Clone();
                altered[_random.Next(altered.Length)] ^= 0x01;
                Assert.False(ours.Verify(altered, signature));
                Assert.False(Reference(publicKey, altered, signature));
            }

            var (_, otherKey) = NewKey();
            Assert.False(new Sm2Verifier(otherKey, SigningKey.Sm2UserId).Verify(message, signature));
            Assert.False(new Sm2Verifier(publicKey, "another-user-id"u8).Verify(message, signature));
        }
    }

    [Fact]
    public void Out_of_range_and_degenerate_signatures_are_refused_as_BouncyCastle_refuses_them()
    {
        var (privateKey, publicKey) = NewKey();
        var ours = new Sm2Verifier(publicKey, SigningKey.Sm2UserId);
        var message = "licence"u8.ToArray();
        var genuine = Sign(privateKey, message);
        var r = new BigInteger(1, genuine, 0, 32);
        var s = new BigInteger(1, genuine, 32, 32);
        var d = privateKey.D;

        var cases = new List<(BigInteger R, BigInteger S)>
        {
            (BigInteger.Zero, s), (r, BigInteger.Zero), (N, s), (r, N), (r.Add(N), s), (r, s.Add(N)),
            (N.Subtract(BigInteger.One), N.Subtract(BigInteger.One)),
            (r, N.Subtract(r)), // t = r + s = n: refused before any point arithmetic
            // s·G + t·P = infinity: s + (r + s)·d ≡ 0 (mod n).
            (r, r.Multiply(d).Negate().Multiply(d.Add(BigInteger.One).ModInverse(N)).Mod(N)),
            (BigInteger.One, BigInteger.One),
        };
        foreach (var (cr, cs) in cases)
        {
            var signature = RawSignature(cr, cs);
            Assert.False(ours.Verify(message, signature), $"r={cr}, s={cs}");
            Assert.False(Reference(publicKey, message, signature), $"reference r={cr}, s={cs}");
        }

        Assert.False(ours.Verify(message, genuine.AsSpan(0, 63)));
        Assert.False(ours.Verify(message, [.. genuine, 0]));
        Assert.False(ours.Verify(message, new byte[64]));
    }

    [Fact]
    public void Random_signatures_for_a_key_are_refused_by_both()
    {
        var (_, publicKey) = NewKey();
        var ours = new Sm2Verifier(publicKey, SigningKey.Sm2UserId);
        var message = "licence"u8.ToArray();
        for (var i = 0; i < 200; i++)
        {
            var signature = new byte[64];
            _random.NextBytes(signature);
            Assert.Equal(Reference(publicKey, message, signature), ours.Verify(message, signature));
        }
    }

    private static IEnumerable<BigInteger> EdgeValues(BigInteger modulus) =>
    [
        BigInteger.Zero, BigInteger.One, BigInteger.Two, modulus.Subtract(BigInteger.One), modulus.Subtract(BigInteger.Two),
        BigInteger.One.ShiftLeft(64), BigInteger.One.ShiftLeft(128).Subtract(BigInteger.One), BigInteger.One.ShiftLeft(255),
    ];

    private BigInteger RandomBelow(BigInteger modulus)
    {
        var bytes = new byte[32];
        _random.NextBytes(bytes);
        return new BigInteger(1, bytes).Mod(modulus);
    }

    private static BigInteger Plain(U256 montgomery) => Sm2Constants.ToBouncyCastle(Sm2Field.FromMontgomery(montgomery));

    private static void AssertSame(ECPoint expected, JacobianPoint actual)
    {
        var normal = expected.Normalize();
        Assert.False(actual.IsInfinity);
        var affine = actual.ToAffine();
        Assert.Equal(normal.AffineXCoord.ToBigInteger(), Plain(affine.X));
        Assert.Equal(normal.AffineYCoord.ToBigInteger(), Plain(affine.Y));
    }

    private static (ECPrivateKeyParameters Private, ECPublicKeyParameters Public) NewKey()
    {
        var generator = new ECKeyPairGenerator("EC");
        generator.Init(new ECKeyGenerationParameters(Domain, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        return ((ECPrivateKeyParameters)pair.Private, (ECPublicKeyParameters)pair.Public);
    }

    private static byte[] Sign(ECPrivateKeyParameters key, byte[] message)
    {
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(key, new SecureRandom()), SigningKey.Sm2UserId));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    private static bool Reference(ECPublicKeyParameters key, byte[] message, byte[] signature)
    {
        var verifier = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        verifier.Init(false, new ParametersWithID(key, SigningKey.Sm2UserId));
        verifier.BlockUpdate(message, 0, message.Length);
        try
        {
            return verifier.VerifySignature(signature);
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static byte[] RawSignature(BigInteger r, BigInteger s)
    {
        var signature = new byte[64];
        var rBytes = r.Mod(BigInteger.One.ShiftLeft(256)).ToByteArrayUnsigned();
        var sBytes = s.Mod(BigInteger.One.ShiftLeft(256)).ToByteArrayUnsigned();
        rBytes.CopyTo(signature, 32 - rBytes.Length);
        sBytes.CopyTo(signature, 64 - sBytes.Length);
        return signature;
    }
}
