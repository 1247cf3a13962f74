namespace OrleansRedis.Silo.Options;

/// <summary>Where the HTTP API listens. Bound from <c>OrleansRedis:Http</c>.</summary>
public sealed class HttpSettings
{
    /// <summary>Gets or sets the address to listen on; <c>0.0.0.0</c> listens on every interface.</summary>
    /// <value>The default is <c>127.0.0.1</c>: nothing is exposed beyond the machine unless asked for.</value>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Gets or sets the HTTP port.</summary>
    /// <value>The default is 8080.</value>
    public int Port { get; set; } = 8080;

    /// <summary>
    /// Gets or sets the largest request body accepted; larger requests get 413 before their body is read. Session
    /// data is capped far lower (64 KiB by default); this bounds what a malformed or hostile request can cost.
    /// </summary>
    /// <value>The default is 1 MiB.</value>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
