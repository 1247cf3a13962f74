using System.Globalization;
using System.Net;
using System.Security.Claims;

namespace OrleansRedis.WebApp;

/// <summary>The sample's names, limits and input rules.</summary>
internal static class SampleApp
{
    /// <summary>The Redis resource: <c>ConnectionStrings:redis</c> and the key of its multiplexer.</summary>
    public const string Redis = "redis";

    /// <summary>The rate-limiting middleware policy and the OrleansRedis policy of the same name.</summary>
    public const string ReportsPolicy = "reports";

    /// <summary>How the reports policy reads in a page.</summary>
    public const string ReportsLimitText = "5 per 10 s";

    public const int MaxNameLength = 64;

    public const int MaxItemLength = 100;

    public const int MaxSkuLength = 32;

    /// <summary>Gets the name this instance shows in its pages: <c>Sample:Instance</c>, else the machine and process.</summary>
    public static string Instance { get; private set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Reads <c>Sample:Instance</c>.</summary>
    public static void Configure(IConfiguration configuration) => Instance = configuration["Sample:Instance"] ?? Instance;

    /// <summary>The signed-in user's id (the name given at login), the key of its rate limit and of its tickets.</summary>
    public static string UserId(HttpContext http) => http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";

    /// <summary>The silo's advertised address: <c>Orleans:Endpoints:AdvertisedIPAddress</c>, else loopback (one machine).</summary>
    public static IPAddress AdvertisedAddress(IConfiguration configuration) =>
        IPAddress.TryParse(configuration["Orleans:Endpoints:AdvertisedIPAddress"], out var address) ? address : IPAddress.Loopback;

    public static string? NameError(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= MaxNameLength && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.')
            ? null
            : $"A name of 1-{MaxNameLength} letters, digits, '-', '_' or '.' is required.";

    public static string? ItemError(string? item) =>
        !string.IsNullOrWhiteSpace(item) && item.Length <= MaxItemLength && !item.Any(char.IsControl)
            ? null
            : $"An item of 1-{MaxItemLength} characters without control characters is required.";

    public static string? SkuError(string sku) =>
        sku.Length is > 0 and <= MaxSkuLength && sku.All(char.IsAsciiLetterOrDigit)
            ? null
            : $"A product number of 1-{MaxSkuLength} ASCII letters or digits is required.";

    /// <summary>A price made up from the product number, so every instance invents the same one.</summary>
    public static decimal PriceOf(string sku) => 1 + (decimal)(uint)sku.GetHashCode(StringComparison.Ordinal) % 10_000 / 100;

    public static string Format(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
