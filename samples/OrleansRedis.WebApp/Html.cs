using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace OrleansRedis.WebApp;

/// <summary>The sample's server-rendered pages: one layout, encoded values, antiforgery fields.</summary>
internal static class Html
{
    /// <summary>Metadata for form posts whose handler binds no form field: the antiforgery token is still checked.</summary>
    public static readonly RequireAntiforgeryTokenAttribute RequiresToken = new();

    public static string Encode(string value) => HtmlEncoder.Default.Encode(value);

    /// <summary>The hidden field carrying the request's antiforgery token.</summary>
    public static string Antiforgery(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"<input type=\"hidden\" name=\"{Encode(tokens.FormFieldName)}\" value=\"{Encode(tokens.RequestToken!)}\">";
    }

    public static IResult Page(HttpContext http, string title, string body, int status = StatusCodes.Status200OK)
    {
        var user = http.User.Identity?.IsAuthenticated == true ? $" &middot; {Encode(http.User.Identity.Name!)}" : "";
        return Results.Content($$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>{{Encode(title)}} - OrleansRedis sample</title>
              <style>body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; } form { margin: 1rem 0; }</style>
            </head>
            <body>
              <nav><a href="/">OrleansRedis sample</a>{{user}} &middot; {{Encode(SampleApp.Instance)}}</nav>
              <h1>{{Encode(title)}}</h1>
              {{body}}
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: status);
    }
}
