namespace OrleansRedis.Testing;

/// <summary>One Server-Sent Events item as the raw stream carried it.</summary>
/// <param name="Id">The <c>id:</c> field, or <see langword="null"/>.</param>
/// <param name="Event">The <c>event:</c> field, or <see langword="null"/> (the default type <c>message</c>).</param>
/// <param name="Data">The <c>data:</c> lines joined with newlines.</param>
/// <param name="Retry">The <c>retry:</c> field in milliseconds, or <see langword="null"/>.</param>
public sealed record SseFrame(string? Id, string? Event, string Data, int? Retry);
