namespace OrleansRedis.Grains.Users;

/// <summary>The database of record behind <see cref="IUserRepository"/>.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file: the default, for one machine.</summary>
    Sqlite = 0,

    /// <summary>PostgreSQL: one database shared by silos on several machines.</summary>
    Postgres = 1,
}
