using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OrleansRedis.AspNetCore.Endpoints;

namespace OrleansRedis.Silo.Hosting;

/// <summary>Describes the response headers an endpoint declares with <see cref="ResponseHeaderMetadata"/> (the users' <c>ETag</c>).</summary>
internal sealed class ResponseHeaderTransformer : IOpenApiOperationTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var header in context.Description.ActionDescriptor.EndpointMetadata.OfType<ResponseHeaderMetadata>())
        {
            foreach (var status in header.Statuses)
            {
                if (operation.Responses?.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) != true ||
                    response is not OpenApiResponse described)
                {
                    continue;
                }

                described.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
                described.Headers[header.Name] = new OpenApiHeader
                {
                    Description = header.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
        }

        return Task.CompletedTask;
    }
}
