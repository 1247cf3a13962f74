// The cases of this class are ported from DistributedLock's contract suite:
// madelson/DistributedLock, src/DistributedLock.Tests/AbstractTestCases/DistributedLockCoreTestCases.cs,
// rewritten for xunit v3 and for OrleansRedisDistributedLockProvider.
//
// The MIT License (MIT)
//
// Copyright (c) 2015 Michael Adelson
//
// Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
// documentation files (the "Software"), to deal in the Software without restriction, including without limitation the
// rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit
// persons to whom the Software is furnished to do so, subject to the following conditions:
//
// The above copyright notice and this permission notice shall be included in all copies or substantial portions of the
// Software.
//
// THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
// WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
// COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
// OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

using Medallion.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRedis.Client.Locks;
using OrleansRedis.Redis;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Adapters;

/// <summary>
/// DistributedLock's core contract, run against <see cref="OrleansRedisDistributedLockProvider"/> through an external
/// client and a real cluster, so that code written for <see cref="IDistributedLockProvider"/> keeps its meaning.
/// Where this provider differs by design (abandonment), the test asserts the designed behaviour and says why.
/// The cross-process cases are the project's own: <c>LockHolderDeathTests</c> kills a holder process.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
public sealed class DistributedLockCoreTests(AdapterClusterFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private ExternalClient _client = null!;

    private OrleansRedisDistributedLockProvider Provider => (OrleansRedisDistributedLockProvider)_client.Services.GetRequiredService<IDistributedLockProvider>();

    public async ValueTask InitializeAsync() =>
        _client = await fixture.StartClientAsync(services =>
            // A lease of 6 s renewed every 2 s: a deleted lease is noticed within seconds, a stalled machine loses none.
            services.AddOrleansRedisDistributedLockProvider(configure: o => o.DistributedLockLease = TimeSpan.FromSeconds(6)));

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public void BasicTest()
    {
        var @lock = CreateLock(nameof(BasicTest));
        var lock2 = CreateLock(nameof(BasicTest) + "2");

        using (var handle = @lock.TryAcquire())
        {
            Assert.NotNull(handle);
            using (var nested = @lock.TryAcquire())
            {
                Assert.Null(nested); // not reentrant
            }

            using var other = lock2.TryAcquire();
            Assert.NotNull(other);
        }

        using var again = @lock.TryAcquire();
        Assert.NotNull(again);
    }

    [Fact]
    public async Task BasicAsyncTest()
    {
        var @lock = CreateLock(nameof(BasicAsyncTest));
        var lock2 = CreateLock(nameof(BasicAsyncTest) + "2");

        await using (var handle = await @lock.TryAcquireAsync())
        {
            Assert.NotNull(handle);
            using (var nested = await @lock.TryAcquireAsync())
            {
                Assert.Null(nested);
            }

            await using var other = await lock2.TryAcquireAsync();
            Assert.NotNull(other);
        }

        await using var again = await @lock.TryAcquireAsync();
        Assert.NotNull(again);
    }

    [Fact]
    public void TestBadArguments()
    {
        var @lock = CreateLock(nameof(TestBadArguments));
        foreach (var bad in new[] { TimeSpan.FromSeconds(-2), TimeSpan.FromSeconds(int.MaxValue) })
        {
            // Thrown synchronously, by the async methods too, before anything is sent.
            Assert.Throws<ArgumentOutOfRangeException>(() => @lock.Acquire(bad));
            Assert.Throws<ArgumentOutOfRangeException>(() => @lock.AcquireAsync(bad));
            Assert.Throws<ArgumentOutOfRangeException>(() => @lock.TryAcquire(bad));
            Assert.Throws<ArgumentOutOfRangeException>(() => @lock.TryAcquireAsync(bad));
        }
    }

    [Fact]
    public void TestDisposeHandleIsIdempotent()
    {
        var @lock = CreateLock(nameof(TestDisposeHandleIsIdempotent));
        var handle = @lock.Acquire(Long);
        handle.Dispose();
        var handle2 = @lock.Acquire(Long);
        handle.Dispose();
        handle2.Dispose();
        using var third = @lock.TryAcquire();
        Assert.NotNull(third);
    }

    [Fact]
    public async Task TestTimeouts()
    {
        var name = Guid.NewGuid().ToString();
        var @lock = CreateLock(name);
        using var held = CreateLock(name).Acquire();
        var timeout = TimeSpan.FromSeconds(.2);

        // The contract's types: TimeoutException from Acquire, null from TryAcquire. The bound only proves no hang.
        await Assert.ThrowsAsync<TimeoutException>(() => Task.Run(() => @lock.Acquire(timeout)).WaitAsync(Long));
        await Assert.ThrowsAsync<TimeoutException>(() => @lock.AcquireAsync(timeout).AsTask().WaitAsync(Long));
        Assert.Null(await Task.Run(() => @lock.TryAcquire(timeout)).WaitAsync(Long));
        Assert.Null(await @lock.TryAcquireAsync(timeout).AsTask().WaitAsync(Long));
    }

    [Fact]
    public async Task CancellationTest()
    {
        var name = Guid.NewGuid().ToString();
        var @lock = CreateLock(name);
        using var source = new CancellationTokenSource();
        using (CreateLock(name).Acquire())
        {
            var blocked = Task.Run(() => @lock.AcquireAsync(cancellationToken: source.Token).AsTask());
            Assert.NotSame(blocked, await Task.WhenAny(blocked, Task.Delay(TimeSpan.FromSeconds(.1))));
            await source.CancelAsync();
            await Task.WhenAny(blocked, Task.Delay(Long));
            Assert.Equal(TaskStatus.Canceled, blocked.Status);
        }

        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();
        Assert.ThrowsAny<OperationCanceledException>(() => @lock.Acquire(cancellationToken: canceled.Token));
    }

    [Fact]
    public async Task TestParallelism()
    {
        const int TaskCount = 50;
        var locks = Enumerable.Range(0, TaskCount).Select(_ => CreateLock("parallel_test-" + fixture.ServiceId)).ToArray();
        var inside = 0;
        var tasks = Enumerable.Range(0, TaskCount).Select(i => Task.Run(async () =>
        {
            await using (await locks[i].AcquireAsync())
            {
                Assert.Equal(1, Interlocked.Increment(ref inside)); // never two holders at once
                await Task.Delay(TimeSpan.FromMilliseconds(10));
                return Interlocked.Decrement(ref inside);
            }
        })).ToList();

        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(results, r => Assert.Equal(0, r));
    }

    [Fact]
    public void TestGetSafeName()
    {
        Assert.Throws<ArgumentNullException>(() => OrleansRedisDistributedLockProvider.GetSafeName(null!));
        foreach (var name in new[] { string.Empty, new string('a', 1000), @"\\\\\", new string('\\', 1000), "sha256:x" })
        {
            var safe = OrleansRedisDistributedLockProvider.GetSafeName(name);
            Provider.CreateLockWithExactName(safe).Acquire(TimeSpan.FromSeconds(10)).Dispose();
        }
    }

    [Fact]
    public void TestGetSafeLockNameIsCaseSensitive()
    {
        var longName1 = new string('a', 1000);
        var longName2 = new string('a', longName1.Length - 1) + "A";
        Assert.NotEqual(OrleansRedisDistributedLockProvider.GetSafeName(longName1), OrleansRedisDistributedLockProvider.GetSafeName(longName2));
    }

    [Fact]
    public async Task TestLockNamesAreCaseSensitive()
    {
        var unique = Guid.NewGuid().ToString("N")[..6];
        await using (await Provider.CreateLockWithExactName($"{unique}_a").AcquireAsync())
        await using (var handle = await Provider.CreateLockWithExactName($"{unique}_A").TryAcquireAsync())
        {
            Assert.NotNull(handle);
        }
    }

    [Fact]
    public async Task TestCanceledAlreadyThrowsForSyncAndDoesNotThrowForAsync()
    {
        using var source = new CancellationTokenSource();
        await source.CancelAsync();
        var @lock = CreateLock("already-canceled");

        Assert.ThrowsAny<OperationCanceledException>(() => @lock.Acquire(cancellationToken: source.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => @lock.TryAcquire(cancellationToken: source.Token));

        var acquire = @lock.AcquireAsync(cancellationToken: source.Token).AsTask();
        await Task.WhenAny(acquire, Task.Delay(Long));
        Assert.True(acquire.IsCanceled, "acquire");

        var tryAcquire = @lock.TryAcquireAsync(cancellationToken: source.Token).AsTask();
        await Task.WhenAny(tryAcquire, Task.Delay(Long));
        Assert.True(tryAcquire.IsCanceled, "tryAcquire");
    }

    [Fact]
    public async Task TestHandleLostTriggersCorrectly()
    {
        var name = Guid.NewGuid().ToString();
        var handle = await CreateLock(name).AcquireAsync();
        try
        {
            Assert.True(handle.HandleLostToken.CanBeCanceled);
            Assert.False(handle.HandleLostToken.IsCancellationRequested);
            using var canceled = new ManualResetEventSlim();
            using var registration = handle.HandleLostToken.Register(canceled.Set);
            Assert.False(canceled.Wait(TimeSpan.FromSeconds(.05)));

            await LoseLeaseAsync(name);

            Assert.True(canceled.Wait(Long));
            Assert.True(handle.HandleLostToken.IsCancellationRequested);
        }
        finally
        {
            await handle.DisposeAsync();
        }

        Assert.Throws<ObjectDisposedException>(() => handle.HandleLostToken.GetType());
    }

    [Fact]
    public async Task TestHandleLostReturnsAlreadyCanceledIfHandleAlreadyLost()
    {
        var name = Guid.NewGuid().ToString();
        using var handle = await CreateLock(name).AcquireAsync();
        await LoseLeaseAsync(name);

        using var canceled = new ManualResetEventSlim();
        handle.HandleLostToken.Register(canceled.Set);
        Assert.True(canceled.Wait(Long));
    }

    [Fact]
    public void TestCanSafelyDisposeWhileMonitoring()
    {
        var handle = CreateLock(nameof(TestCanSafelyDisposeWhileMonitoring) + Guid.NewGuid()).Acquire();
        using var canceled = new ManualResetEventSlim();
        using var registration = handle.HandleLostToken.Register(canceled.Set);
        Assert.False(canceled.Wait(TimeSpan.FromSeconds(.05)));
        handle.Dispose();
        Assert.False(canceled.IsSet);
    }

    [Fact]
    public async Task TestLockAbandonment_HandleNeverDisposed_StaysHeldWhileItsProcessLives()
    {
        // By design, not DistributedLock's: a handle renews its lease from a background loop until disposed or until
        // LockClient:MaxHoldTime, so an abandoned (never disposed) handle is not collected and keeps the lock; no
        // finalizer releases it. What frees an abandoned lock is its process ending: the lease then runs out
        // (LockHolderDeathTests kills a holder process and sees the next waiter granted).
        var name = Guid.NewGuid().ToString();
        Abandon(name);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.Null(await CreateLock(name).TryAcquireAsync(TimeSpan.FromSeconds(1)));
    }

    private void Abandon(string name) => _ = CreateLock(name).Acquire();

    private IDistributedLock CreateLock(string name) => Provider.CreateLock(name);

    // DistributedLock's Redis strategy loses a handle by deleting its lease key; the next renewal is then refused.
    private Task LoseLeaseAsync(string name)
    {
        var keys = new RedisKeys(Options.Create(new RedisOptions()));
        return fixture.RedisConnection.GetDatabase().KeyDeleteAsync(keys.Lock(name));
    }
}
