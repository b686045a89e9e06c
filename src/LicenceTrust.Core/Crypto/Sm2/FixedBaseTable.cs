using System.Runtime.CompilerServices;

namespace LicenceTrust.Core.Crypto.Sm2;

/// <summary>
/// Every multiple d·2^(w·i)·B of one point B, for each w-bit window i of a 256-bit scalar and each digit
/// d from 1 to 2^w − 1, in affine form. k·B is then one addition per non-zero window and no doubling.
/// Immutable once built, so one table serves every thread without a lock.
/// </summary>
internal sealed class FixedBaseTable
{
    private readonly AffinePoint[] _points;
    private readonly int _width;
    private readonly int _perWindow;
    private readonly int _windows;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FixedBaseTable(in AffinePoint basePoint, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 10);
        _width = width;
        _perWindow = (1 << width) - 1;
        _windows = (256 + width - 1) / width;
        var jacobian = new JacobianPoint[_windows * _perWindow];
        var windowBase = basePoint;
        for (var window = 0; window < _windows; window++)
        {
            var offset = window * _perWindow;
            jacobian[offset] = JacobianPoint.From(windowBase);
            for (var digit = 1; digit < _perWindow; digit++)
            {
                jacobian[offset + digit] = jacobian[offset + digit - 1].Add(windowBase);
            }

            if (window + 1 < _windows)
            {
                // 2^w·B = 2·(2^(w−1)·B), and 2^(w−1)·B is already in this window.
                windowBase = jacobian[offset + (1 << (width - 1)) - 1].Double().ToAffine();
            }
        }

        _points = ToAffine(jacobian);
    }

    /// <summary>accumulator + k·B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public JacobianPoint AddMultiple(JacobianPoint accumulator, in U256 k)
    {
        for (var window = 0; window < _windows; window++)
        {
            var digit = k.Bits(window * _width, Math.Min(_width, 256 - (window * _width)));
            if (digit != 0)
            {
                accumulator = accumulator.Add(_points[(window * _perWindow) + digit - 1]);
            }
        }

        return accumulator;
    }

    /// <summary>Affine forms of points none of which is infinity, with one inversion (Montgomery's trick).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static AffinePoint[] ToAffine(JacobianPoint[] points)
    {
        var prefix = new U256[points.Length];
        prefix[0] = points[0].Z;
        for (var i = 1; i < points.Length; i++)
        {
            prefix[i] = Sm2Field.Multiply(prefix[i - 1], points[i].Z);
        }

        var affine = new AffinePoint[points.Length];
        var inverse = Sm2Field.Invert(prefix[^1]);
        for (var i = points.Length - 1; i > 0; i--)
        {
            affine[i] = points[i].ToAffine(Sm2Field.Multiply(inverse, prefix[i - 1]));
            inverse = Sm2Field.Multiply(inverse, points[i].Z);
        }

        affine[0] = points[0].ToAffine(inverse);
        return affine;
    }
}
