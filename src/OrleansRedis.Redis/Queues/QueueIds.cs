using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace OrleansRedis.Redis.Queues;

/// <summary>Job ids, lease-token randomness and the stable hash that picks a job's partition.</summary>
public static class QueueIds
{
    /// <summary>22 characters of base64url from 128 random bits (a CSPRNG).</summary>
    public static string NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>A new job id of <paramref name="partition"/>: <c>"{partition}-{22 random characters}"</c>.</summary>
    public static string NewJobId(int partition) => partition.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + NewRandom();

    /// <summary>
    /// The partition of <paramref name="routingKey"/> among <paramref name="partitions"/>: FNV-1a (32 bits) of its UTF-8
    /// bytes, so every process and version agrees (never <see cref="string.GetHashCode()"/>, which is randomized).
    /// </summary>
    public static int PartitionOf(string routingKey, int partitions)
    {
        const uint Offset = 2166136261;
        const uint Prime = 16777619;
        var hash = Offset;
        var max = Encoding.UTF8.GetMaxByteCount(routingKey.Length);
        var buffer = max <= 1024 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(routingKey, buffer);
        foreach (var b in buffer[..length])
        {
            hash = unchecked((hash ^ b) * Prime);
        }

        return (int)(hash % (uint)partitions);
    }
}
