using System.Runtime.CompilerServices;

namespace LicenceTrust.Core.Crypto.Sm2;

/// <summary>
/// Arithmetic modulo the sm2p256v1 prime p = 2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴ − 1, on values in Montgomery form
/// (x·2²⁵⁶ mod p). Every result is fully reduced (&lt; p), so equality and zero tests are exact.
/// Not constant-time: it only ever handles public values (signatures, public keys, digests).
/// The heavy methods here and in the point and table types skip tiered compilation
/// (AggressiveOptimization): in tier-0 code none of the small helpers is inlined. In a fresh process the
/// first verification (which builds the generator's and the key's tables) took 78 ms and the next 200
/// took 240 µs each; with it, 39 ms and 51–60 µs.
/// </summary>
internal static class Sm2Field
{
    // The prime's limbs as constants, so the JIT folds them into the product; a unit test checks them
    // against BouncyCastle's sm2p256v1, and Multiply relies on the low limb being 2⁶⁴ − 1.
    private const ulong P0 = 0xFFFFFFFFFFFFFFFF, P1 = 0xFFFFFFFF00000000, P2 = 0xFFFFFFFFFFFFFFFF, P3 = 0xFFFFFFFEFFFFFFFF;

    public static readonly U256 P = new(P0, P1, P2, P3);

    /// <summary>2⁵¹² mod p, to move a value into Montgomery form.</summary>
    private static readonly U256 RSquared = Sm2Constants.FromBouncyCastle(
        Org.BouncyCastle.Math.BigInteger.One.ShiftLeft(512).Mod(Sm2Constants.ToBouncyCastle(P)));

    /// <summary>1 in Montgomery form (2²⁵⁶ mod p).</summary>
    public static readonly U256 One = ToMontgomery(new U256(1, 0, 0, 0));

    public static U256 ToMontgomery(in U256 x) => Multiply(x, RSquared);

    public static U256 FromMontgomery(in U256 x) => Multiply(x, new U256(1, 0, 0, 0));

    /// <summary>
    /// Montgomery product a·b·2⁻²⁵⁶ mod p (coarsely integrated operand scanning). Because the low limb
    /// of p is 2⁶⁴ − 1, −p⁻¹ mod 2⁶⁴ is 1, so each reduction multiplier is the running low limb itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static U256 Multiply(in U256 a, in U256 b)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
        Round(a, b.L0, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L1, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L2, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L3, ref t0, ref t1, ref t2, ref t3, ref t4);

        // t < 2p here; one conditional subtraction makes it < p.
        ulong borrow = 0;
        var r0 = U256.SubtractWithBorrow(t0, P0, ref borrow);
        var r1 = U256.SubtractWithBorrow(t1, P1, ref borrow);
        var r2 = U256.SubtractWithBorrow(t2, P2, ref borrow);
        var r3 = U256.SubtractWithBorrow(t3, P3, ref borrow);
        return t4 != 0 || borrow == 0 ? new U256(r0, r1, r2, r3) : new U256(t0, t1, t2, t3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(in U256 a, ulong b, ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3, ref ulong t4)
    {
        ulong carry = 0;
        t0 = U256.MultiplyAdd(a.L0, b, t0, ref carry);
        t1 = U256.MultiplyAdd(a.L1, b, t1, ref carry);
        t2 = U256.MultiplyAdd(a.L2, b, t2, ref carry);
        t3 = U256.MultiplyAdd(a.L3, b, t3, ref carry);
        ulong top = 0;
        t4 = U256.AddWithCarry(t4, carry, ref top);

        var m = t0;
        carry = 0;
        _ = U256.MultiplyAdd(m, P0, t0, ref carry);
        t0 = U256.MultiplyAdd(m, P1, t1, ref carry);
        t1 = U256.MultiplyAdd(m, P2, t2, ref carry);
        t2 = U256.MultiplyAdd(m, P3, t3, ref carry);
        ulong top2 = 0;
        t3 = U256.AddWithCarry(t4, carry, ref top2);
        t4 = top + top2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 Square(in U256 a) => Multiply(a, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 Add(in U256 a, in U256 b) => U256.AddModulo(a, b, P);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 Subtract(in U256 a, in U256 b) => U256.SubtractModulo(a, b, P);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 Double(in U256 a) => Add(a, a);

    /// <summary>a⁻¹ (Montgomery form in, Montgomery form out) as a^(p−2), with 4-bit windows; a ≠ 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static U256 Invert(in U256 a)
    {
        Span<U256> powers = stackalloc U256[16];
        powers[0] = One;
        powers[1] = a;
        for (var i = 2; i < 16; i++)
        {
            powers[i] = Multiply(powers[i - 1], a);
        }

        U256.Subtract(P, new U256(2, 0, 0, 0), out var exponent);
        var result = One;
        for (var position = 252; position >= 0; position -= 4)
        {
            result = Square(Square(Square(Square(result))));
            result = Multiply(result, powers[exponent.Bits(position, 4)]);
        }

        return result;
    }
}
