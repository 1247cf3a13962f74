using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansRedis.Grains.Locks;

namespace OrleansRedis.Tests.Locks;

/// <summary>The lock meter's durations follow the OpenTelemetry conventions: seconds, unit "s", namespaced attributes.</summary>
public sealed class LockMetricsTests
{
    [Fact]
    public void Waited_RecordsSecondsInTheWaitDurationHistogram_WithUnitS()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new LockMetrics(services.GetRequiredService<IMeterFactory>());
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        string? unit = null;
        var recorded = new List<(double Value, string? Outcome)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meterFactory && instrument.Name == "orleansredis.locks.wait.duration")
                {
                    unit = instrument.Unit;
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            recorded.Add((value, tags.ToArray().FirstOrDefault(t => t.Key == "orleansredis.lock.outcome").Value as string)));
        listener.Start();

        metrics.Waited(TimeSpan.FromMilliseconds(1500), "acquired");

        Assert.Equal("s", unit);
        Assert.Equal([(1.5, "acquired")], recorded); // milliseconds would record 1500
    }
}
