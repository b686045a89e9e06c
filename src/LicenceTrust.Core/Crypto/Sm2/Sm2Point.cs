using System.Runtime.CompilerServices;

namespace LicenceTrust.Core.Crypto.Sm2;

/// <summary>An sm2p256v1 point in affine coordinates, Montgomery form; never the point at infinity.</summary>
internal readonly struct AffinePoint(U256 x, U256 y)
{
    public readonly U256 X = x;
    public readonly U256 Y = y;

    /// <summary>A finite BouncyCastle point on sm2p256v1.</summary>
    public static AffinePoint From(Org.BouncyCastle.Math.EC.ECPoint point)
    {
        var normal = point.Normalize();
        return new AffinePoint(
            Sm2Field.ToMontgomery(Sm2Constants.FromBouncyCastle(normal.AffineXCoord.ToBigInteger())),
            Sm2Field.ToMontgomery(Sm2Constants.FromBouncyCastle(normal.AffineYCoord.ToBigInteger())));
    }
}

/// <summary>
/// An sm2p256v1 point in Jacobian coordinates (x = X/Z², y = Y/Z³), Montgomery form; Z = 0 is the point
/// at infinity. The formulas are the Explicit-Formulas Database's dbl-2001-b (the curve's a is −3) and
/// madd-2007-bl, with the cases those formulas leave out (infinity, P + P, P + (−P)) handled here.
/// </summary>
internal readonly struct JacobianPoint(U256 x, U256 y, U256 z)
{
    public readonly U256 X = x;
    public readonly U256 Y = y;
    public readonly U256 Z = z;

    public static JacobianPoint Infinity => default;

    public bool IsInfinity => Z.IsZero;

    public static JacobianPoint From(in AffinePoint p) => new(p.X, p.Y, Sm2Field.One);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public JacobianPoint Double()
    {
        var delta = Sm2Field.Square(Z);
        var gamma = Sm2Field.Square(Y);
        var beta = Sm2Field.Multiply(X, gamma);
        var product = Sm2Field.Multiply(Sm2Field.Subtract(X, delta), Sm2Field.Add(X, delta));
        var alpha = Sm2Field.Add(Sm2Field.Double(product), product);
        var fourBeta = Sm2Field.Double(Sm2Field.Double(beta));
        var x3 = Sm2Field.Subtract(Sm2Field.Square(alpha), Sm2Field.Double(fourBeta));
        var z3 = Sm2Field.Subtract(Sm2Field.Subtract(Sm2Field.Square(Sm2Field.Add(Y, Z)), gamma), delta);
        var eightGammaSquared = Sm2Field.Double(Sm2Field.Double(Sm2Field.Double(Sm2Field.Square(gamma))));
        var y3 = Sm2Field.Subtract(Sm2Field.Multiply(alpha, Sm2Field.Subtract(fourBeta, x3)), eightGammaSquared);
        return new JacobianPoint(x3, y3, z3);
    }

    /// <summary>This point plus an affine point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public JacobianPoint Add(in AffinePoint q)
    {
        if (IsInfinity)
        {
            return From(q);
        }

        var z1z1 = Sm2Field.Square(Z);
        var u2 = Sm2Field.Multiply(q.X, z1z1);
        var s2 = Sm2Field.Multiply(q.Y, Sm2Field.Multiply(Z, z1z1));
        var h = Sm2Field.Subtract(u2, X);
        var yDifference = Sm2Field.Subtract(s2, Y);
        if (h.IsZero)
        {
            // Same x: the same point (double it) or its negation (the sum is infinity).
            return yDifference.IsZero ? Double() : Infinity;
        }

        var hh = Sm2Field.Square(h);
        var i = Sm2Field.Double(Sm2Field.Double(hh));
        var j = Sm2Field.Multiply(h, i);
        var r = Sm2Field.Double(yDifference);
        var v = Sm2Field.Multiply(X, i);
        var x3 = Sm2Field.Subtract(Sm2Field.Subtract(Sm2Field.Square(r), j), Sm2Field.Double(v));
        var y3 = Sm2Field.Subtract(Sm2Field.Multiply(r, Sm2Field.Subtract(v, x3)), Sm2Field.Double(Sm2Field.Multiply(Y, j)));
        var z3 = Sm2Field.Subtract(Sm2Field.Subtract(Sm2Field.Square(Sm2Field.Add(Z, h)), z1z1), hh);
        return new JacobianPoint(x3, y3, z3);
    }

    /// <summary>The affine form; not for the point at infinity.</summary>
    public AffinePoint ToAffine() => ToAffine(Sm2Field.Invert(Z));

    /// <summary>The affine form, given Z⁻¹ (from a batch inversion).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AffinePoint ToAffine(in U256 zInverse)
    {
        var zInverseSquared = Sm2Field.Square(zInverse);
        return new AffinePoint(
            Sm2Field.Multiply(X, zInverseSquared),
            Sm2Field.Multiply(Y, Sm2Field.Multiply(zInverseSquared, zInverse)));
    }
}
