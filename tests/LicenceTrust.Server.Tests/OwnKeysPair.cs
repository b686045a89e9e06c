namespace LicenceTrust.Server.Tests;

/// <summary>
/// A Chongqing and a Sichuan node process on a copy of the sample keys that the test may change (rotate,
/// add to, restore behind), each pinning the other's sample root (<see cref="NodeProcess.FederatedAsync(string, string[], string[])"/>).
/// </summary>
public abstract class OwnKeysPair : IAsyncLifetime
{
    protected string Keys { get; } = NodeProcess.CopyOfSampleKeys();

    protected NodeProcess Chongqing { get; private set; } = null!;

    protected NodeProcess Sichuan { get; private set; } = null!;

    /// <summary>Extra settings for the Chongqing node.</summary>
    protected virtual string[] ChongqingSettings => [];

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        (Chongqing, Sichuan) = await NodeProcess.FederatedAsync(Keys, ChongqingSettings, []);
    }

    public virtual async Task DisposeAsync()
    {
        await Chongqing.DisposeAsync();
        await Sichuan.DisposeAsync();
        Directory.Delete(Keys, recursive: true);
    }

    /// <summary>What the test writes into <see cref="Keys"/> before the nodes start.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;
}
