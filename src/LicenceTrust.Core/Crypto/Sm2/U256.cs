using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LicenceTrust.Core.Crypto.Sm2;

/// <summary>
/// A 256-bit unsigned integer in four 64-bit limbs, least significant first. A value type, so the
/// verifier's arithmetic allocates nothing (docs/architecture.md, "The SM2 verifier").
/// </summary>
internal struct U256 : IEquatable<U256>
{
    public ulong L0, L1, L2, L3;

    public U256(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        L0 = l0;
        L1 = l1;
        L2 = l2;
        L3 = l3;
    }

    public readonly bool IsZero => (L0 | L1 | L2 | L3) == 0;

    /// <summary>Reads exactly 32 big-endian bytes.</summary>
    public static U256 FromBigEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException("A 256-bit value is 32 bytes.", nameof(bytes));
        }

        return new U256(
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes));
    }

    public readonly void WriteBigEndian(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, L3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], L2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], L1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], L0);
    }

    /// <summary>The <paramref name="width"/> bits from bit <paramref name="position"/> up (width ≤ 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Bits(int position, int width)
    {
        var limb = position >> 6;
        var offset = position & 63;
        var value = Limb(limb) >> offset;
        if (offset + width > 64 && limb < 3)
        {
            value |= Limb(limb + 1) << (64 - offset);
        }

        return (int)(value & ((1UL << width) - 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ulong Limb(int index) => index switch
    {
        0 => L0,
        1 => L1,
        2 => L2,
        _ => L3,
    };

    /// <summary>a + b; the carry out (0 or 1) is returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(in U256 a, in U256 b, out U256 sum)
    {
        ulong carry = 0;
        var s0 = AddWithCarry(a.L0, b.L0, ref carry);
        var s1 = AddWithCarry(a.L1, b.L1, ref carry);
        var s2 = AddWithCarry(a.L2, b.L2, ref carry);
        var s3 = AddWithCarry(a.L3, b.L3, ref carry);
        sum = new U256(s0, s1, s2, s3);
        return carry;
    }

    /// <summary>a − b modulo 2²⁵⁶; the borrow out (0 or 1) is returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Subtract(in U256 a, in U256 b, out U256 difference)
    {
        ulong borrow = 0;
        var d0 = SubtractWithBorrow(a.L0, b.L0, ref borrow);
        var d1 = SubtractWithBorrow(a.L1, b.L1, ref borrow);
        var d2 = SubtractWithBorrow(a.L2, b.L2, ref borrow);
        var d3 = SubtractWithBorrow(a.L3, b.L3, ref borrow);
        difference = new U256(d0, d1, d2, d3);
        return borrow;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsLess(in U256 a, in U256 b) => Subtract(a, b, out _) != 0;

    /// <summary>(a + b) mod m for a, b &lt; m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 AddModulo(in U256 a, in U256 b, in U256 m)
    {
        var carry = Add(a, b, out var sum);
        var borrow = Subtract(sum, m, out var reduced);
        return carry != 0 || borrow == 0 ? reduced : sum;
    }

    /// <summary>(a − b) mod m for a, b &lt; m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 SubtractModulo(in U256 a, in U256 b, in U256 m)
    {
        if (Subtract(a, b, out var difference) == 0)
        {
            return difference;
        }

        Add(difference, m, out var wrapped);
        return wrapped;
    }

    /// <summary>x mod m for x &lt; 2m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 ReduceOnce(in U256 x, in U256 m) => Subtract(x, m, out var reduced) == 0 ? reduced : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong AddWithCarry(ulong a, ulong b, ref ulong carry)
    {
        var sum = a + b;
        var carryOut = sum < a ? 1UL : 0UL;
        var result = sum + carry;
        carryOut += result < sum ? 1UL : 0UL;
        carry = carryOut;
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SubtractWithBorrow(ulong a, ulong b, ref ulong borrow)
    {
        var difference = a - b;
        var borrowOut = a < b ? 1UL : 0UL;
        var result = difference - borrow;
        borrowOut += difference < borrow ? 1UL : 0UL;
        borrow = borrowOut;
        return result;
    }

    /// <summary>a·b + c + carry: the low limb is returned, the high limb left in <paramref name="carry"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyAdd(ulong a, ulong b, ulong c, ref ulong carry)
    {
        var high = HighProduct(a, b);
        var low = a * b;
        low += c;
        high += low < c ? 1UL : 0UL;
        low += carry;
        high += low < carry ? 1UL : 0UL;
        carry = high;
        return low;
    }

    /// <summary>
    /// The high limb of a·b. Math.BigMul returns the low limb through an out parameter, which the JIT
    /// keeps in memory and zeroes on every call; MULX for the high half and a plain multiply for the low
    /// half keep both in registers (the field product went from 58 to about 20 ns, docs/performance-history.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong HighProduct(ulong a, ulong b) =>
        System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported
            ? System.Runtime.Intrinsics.X86.Bmi2.X64.MultiplyNoFlags(a, b)
            : Math.BigMul(a, b, out _);

    public readonly bool Equals(U256 other) => ((L0 ^ other.L0) | (L1 ^ other.L1) | (L2 ^ other.L2) | (L3 ^ other.L3)) == 0;

    public override readonly bool Equals(object? obj) => obj is U256 other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(L0, L1, L2, L3);

    public static bool operator ==(U256 a, U256 b) => a.Equals(b);

    public static bool operator !=(U256 a, U256 b) => !a.Equals(b);
}
