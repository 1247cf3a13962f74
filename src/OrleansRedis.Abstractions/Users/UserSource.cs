namespace OrleansRedis.Abstractions.Users;

/// <summary>Where a read of <see cref="IUserGrain"/> was answered from (the <c>X-Cache</c> header over HTTP).</summary>
[GenerateSerializer, Alias("orleansredis.users.source")]
public enum UserSource
{
    /// <summary>The grain activation's memory: no I/O at all.</summary>
    Memory = 0,

    /// <summary>The Cache Redis.</summary>
    Redis = 1,

    /// <summary>The database of record.</summary>
    Database = 2,
}
