namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// Endpoint metadata naming a response header and the statuses that carry it, for the OpenAPI document (the host's
/// operation transformer reads it): the framework's own metadata describes bodies, not headers.
/// </summary>
/// <param name="Name">The header, e.g. <c>ETag</c>.</param>
/// <param name="Description">What it carries.</param>
/// <param name="Statuses">The responses that carry it.</param>
internal sealed record ResponseHeaderMetadata(string Name, string Description, IReadOnlyList<int> Statuses);
