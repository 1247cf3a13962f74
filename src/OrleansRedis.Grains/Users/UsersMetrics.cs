using System.Diagnostics.Metrics;
using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Grains.Users;

/// <summary>
/// The <c>OrleansRedis.Users</c> meter: reads by source, database queries and their latency, stale serves and
/// tolerated Cache-Redis failures. <see cref="DatabaseQueries"/> is the same count as a number tests and operators
/// can read in process.
/// </summary>
public sealed class UsersMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansRedis.Users";

    private readonly Counter<long> _reads;
    private readonly Counter<long> _queries;
    private readonly Histogram<double> _queryDuration;
    private readonly Counter<long> _staleServes;
    private readonly Counter<long> _cacheErrors;
    private long _databaseQueries;

    public UsersMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _reads = meter.CreateCounter<long>("orleansredis.users.reads", "{read}",
            "User reads by where they were answered from (orleansredis.user.source = memory|redis|database) and whether the user exists.");
        _queries = meter.CreateCounter<long>("orleansredis.users.database.queries", "{query}",
            "Database operations by orleansredis.user.database.operation (get|create|update|delete|initialize) and orleansredis.user.database.outcome (ok|rejected|error).");
        _queryDuration = meter.CreateHistogram<double>("orleansredis.users.database.duration", "s",
            "Latency of database operations.");
        _staleServes = meter.CreateCounter<long>("orleansredis.users.stale_serves", "{read}",
            "Reads answered with an expired cached copy because the database could not be reached.");
        _cacheErrors = meter.CreateCounter<long>("orleansredis.users.cache.errors", "{error}",
            "Cache Redis commands that failed and were skipped (orleansredis.user.cache.operation = read|write).");
        meter.CreateObservableCounter("orleansredis.users.database.calls", () => Interlocked.Read(ref _databaseQueries), "{call}",
            "Every database operation since the silo started, all operations and outcomes together (what DatabaseQueries returns).");
    }

    /// <summary>Gets the number of database operations this silo has run since it started.</summary>
    public long DatabaseQueries => Interlocked.Read(ref _databaseQueries);

    /// <summary>Records one read.</summary>
    public void Read(UserSource source, bool found, bool stale)
    {
        _reads.Add(1,
            new KeyValuePair<string, object?>("orleansredis.user.source", SourceName(source)),
            new KeyValuePair<string, object?>("orleansredis.user.found", found),
            new KeyValuePair<string, object?>("orleansredis.user.stale", stale));
        if (stale)
        {
            _staleServes.Add(1);
        }
    }

    /// <summary>Records one database operation.</summary>
    public void Query(string operation, string outcome, TimeSpan duration)
    {
        Interlocked.Increment(ref _databaseQueries);
        var operationTag = new KeyValuePair<string, object?>("orleansredis.user.database.operation", operation);
        _queries.Add(1, operationTag, new KeyValuePair<string, object?>("orleansredis.user.database.outcome", outcome));
        _queryDuration.Record(duration.TotalSeconds, operationTag);
    }

    /// <summary>Records a Cache-Redis failure that the grain worked around.</summary>
    public void CacheError(string operation) => _cacheErrors.Add(1, new KeyValuePair<string, object?>("orleansredis.user.cache.operation", operation));

    /// <summary>The lower-case name of <paramref name="source"/>, as in <c>X-Cache</c>.</summary>
    public static string SourceName(UserSource source) => source switch
    {
        UserSource.Memory => "memory",
        UserSource.Redis => "redis",
        _ => "database",
    };
}
