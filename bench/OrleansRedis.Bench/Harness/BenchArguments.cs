namespace OrleansRedis.Bench.Harness;

/// <summary>The benchmark's command line.</summary>
public sealed record BenchArguments(
    IReadOnlySet<string> Scenarios, int Seconds, int Workers, string? Output, int Repeats = 3, int Subscribers = 1000, bool RedisCluster = false)
{
    /// <summary>
    /// Parses <c>--scenarios a,b --seconds N --workers N --repeats N --subscribers N --out FILE --redis-cluster</c>;
    /// unknown flags are an error.
    /// </summary>
    public static BenchArguments Parse(string[] args)
    {
        var scenarios = new HashSet<string>();
        int seconds = 10, workers = 32, repeats = 3, subscribers = 1000;
        string? output = null;
        var redisCluster = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--redis-cluster")
            {
                redisCluster = true;
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--scenarios": scenarios.UnionWith(value.Split(',', StringSplitOptions.RemoveEmptyEntries)); break;
                case "--seconds": seconds = int.Parse(value); break;
                case "--workers": workers = int.Parse(value); break;
                case "--repeats": repeats = int.Parse(value); break;
                case "--subscribers": subscribers = int.Parse(value); break;
                case "--out": output = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }

            i++;
        }

        return new BenchArguments(scenarios, seconds, workers, output, repeats, subscribers, redisCluster);
    }
}
