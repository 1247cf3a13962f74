using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.Tests.Foundation;

/// <summary>Asserts that an HTTP answer is a problem of the vocabulary (<see cref="Problems"/>).</summary>
internal static class ProblemAssert
{
    /// <summary>A 10 KB key, far over every key limit; the host raises Kestrel's request line so it reaches the app's validation.</summary>
    public static readonly string LongKey = new('k', 10 * 1024);

    /// <summary>Asserts status, media type, and the vocabulary's title and <c>type</c> for a status in it; returns the body.</summary>
    public static async Task<JsonElement> IsAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        if (Problems.TitleFor((int)status) is { } title)
        {
            Assert.Equal(title, body.GetProperty("title").GetString());
        }
        var type = status switch
        {
            HttpStatusCode.BadRequest => Problems.InvalidType,
            HttpStatusCode.NotFound => Problems.NotFoundType,
            HttpStatusCode.Conflict => Problems.ConflictType,
            HttpStatusCode.PreconditionFailed => Problems.PreconditionFailedType,
            HttpStatusCode.ServiceUnavailable => Problems.UnavailableType,
            _ => null,
        };
        if (type is not null)
        {
            Assert.Equal(type, body.GetProperty("type").GetString());
        }

        if (status == HttpStatusCode.ServiceUnavailable)
        {
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"no Retry-After on a 503: {body}");
            Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()), $"a 503 without a reason: {body}");
        }

        return body;
    }

    /// <summary>Asserts a 400 validation problem whose <c>errors</c> name <paramref name="field"/>; returns the body.</summary>
    public static async Task<JsonElement> IsInvalidAsync(HttpResponseMessage response, string field)
    {
        var body = await IsAsync(response, HttpStatusCode.BadRequest);
        Assert.True(
            body.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages) && messages.GetArrayLength() > 0,
            $"no error for '{field}': {body}");
        return body;
    }
}
