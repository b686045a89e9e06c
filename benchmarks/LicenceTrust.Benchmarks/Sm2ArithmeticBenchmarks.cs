using BenchmarkDotNet.Attributes;
using LicenceTrust.Core.Crypto.Sm2;

namespace LicenceTrust.Benchmarks;

/// <summary>The parts of the SM2 verifier: one field product, one point addition, one inversion.</summary>
[MemoryDiagnoser]
public class Sm2ArithmeticBenchmarks
{
    private U256 _a;
    private U256 _b;
    private JacobianPoint _point;
    private AffinePoint _affine;

    [GlobalSetup]
    public void Setup()
    {
        _a = Sm2Field.ToMontgomery(new U256(0x1234567890ABCDEF, 0xFEDCBA0987654321, 0x0F1E2D3C4B5A6978, 0x7A6B5C4D3E2F1011));
        _b = Sm2Field.ToMontgomery(new U256(0x1111111122222222, 0x3333333344444444, 0x5555555566666666, 0x7777777788888888));
        _affine = JacobianPoint.From(new AffinePoint(_a, _b)).Double().ToAffine();
        _point = JacobianPoint.From(new AffinePoint(_a, _b)).Double().Double();
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public ulong FieldMultiply()
    {
        var x = _a;
        for (var i = 0; i < 1000; i++)
        {
            x = Sm2Field.Multiply(x, _b);
        }

        return x.L0;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public ulong FieldAdd()
    {
        var x = _a;
        for (var i = 0; i < 1000; i++)
        {
            x = Sm2Field.Add(x, _b);
        }

        return x.L0;
    }

    [Benchmark(OperationsPerInvoke = 100)]
    public ulong PointAdd()
    {
        var p = _point;
        for (var i = 0; i < 100; i++)
        {
            p = p.Add(_affine);
        }

        return p.X.L0;
    }

    [Benchmark]
    public ulong FieldInvert() => Sm2Field.Invert(_a).L0;
}
