namespace OrleansRedis.Tests.Infrastructure;

/// <summary>
/// One <c>./run.sh</c> cluster for the tests that only call it (the README's examples, the CLI's commands): what one
/// of them changes, no other reads. The tests that stop a cluster start their own in <see cref="RunScriptCollection"/>.
/// </summary>
public sealed class RunScriptClusterFixture : IAsyncLifetime
{
    /// <summary>Gets the running script.</summary>
    public RunScriptCluster Script { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => Script = await RunScriptCluster.StartAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Script.DisposeAsync();
}

/// <summary>
/// The tests that share <see cref="RunScriptClusterFixture"/>. Like <see cref="RunScriptCollection"/> it runs on its
/// own, after the parallel collections: the two never overlap, so the fixed HTTP ports are free for each in turn, and the
/// cluster is stopped when the last of these tests has run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedRunScriptCollection : ICollectionFixture<RunScriptClusterFixture>
{
    public const string Name = "run-script-shared";
}
