using OrleansRedis.Abstractions.Sessions;

namespace OrleansRedis.Tests.Adapters;

/// <summary>Sessions without a user, as <c>HttpContext.Session</c> creates them: in no user's index, otherwise whole sessions.</summary>
[Collection(AdapterClusterCollection.Name)]
public sealed class AnonymousSessionTests(AdapterClusterFixture fixture)
{
    [Fact]
    public async Task Create_WithoutUser_ReadsBackWithoutUserAndIsInNoIndex_ThenRotatesAndDestroys()
    {
        var created = await fixture.Grains.CreateSessionAsync(new SessionDraft(null, """{"cart":[1]}"""));

        var read = await fixture.Grains.GetSession(created.SessionId).GetAsync();
        Assert.NotNull(read);
        Assert.Null(read.UserId);
        Assert.Equal("""{"cart":[1]}""", read.Data);

        var rotated = await fixture.Grains.GetSession(created.SessionId).RotateAsync();
        Assert.NotNull(rotated);
        Assert.Null(await fixture.Grains.GetSession(created.SessionId).GetAsync());
        Assert.True(await fixture.Grains.GetSession(rotated.SessionId).DestroyAsync());
        Assert.Null(await fixture.Grains.GetSession(rotated.SessionId).GetAsync());
    }

    [Fact]
    public async Task Create_UserIdGivenButInvalid_StillRefused()
    {
        var refused = await Assert.ThrowsAsync<SessionException>(() => fixture.Grains.CreateSessionAsync(new SessionDraft(" ", "{}")));
        Assert.Equal(SessionError.InvalidUserId, refused.Error);
    }
}
