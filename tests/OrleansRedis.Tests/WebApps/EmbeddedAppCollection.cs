namespace OrleansRedis.Tests.WebApps;

/// <summary>The tests that share the two <see cref="EmbeddedApp"/> instances of one <see cref="EmbeddedAppFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedAppCollection : ICollectionFixture<EmbeddedAppFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Embedded ASP.NET Core app";
}
