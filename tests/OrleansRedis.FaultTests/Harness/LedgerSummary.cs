using System.Globalization;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>What a driver's ledger says: acknowledged values per key, failures by type, hangs, and latencies.</summary>
public sealed record LedgerSummary(
    int Acks,
    int Errors,
    int Hangs,
    IReadOnlyDictionary<string, long> LastAckedByKey,
    IReadOnlyDictionary<string, int> ErrorsByType,
    long MaxMilliseconds)
{
    /// <summary>Parses <c>ACK|ERR|HANG scenario key value ms [type]</c> lines; other lines are ignored.</summary>
    public static LedgerSummary Parse(IEnumerable<string> lines)
    {
        int acks = 0, errors = 0, hangs = 0;
        long max = 0;
        var lastAcked = new Dictionary<string, long>(StringComparer.Ordinal);
        var byType = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            if (parts.Length < 5 || parts[0] is not ("ACK" or "ERR" or "HANG"))
            {
                continue;
            }

            max = Math.Max(max, long.Parse(parts[4], CultureInfo.InvariantCulture));
            switch (parts[0])
            {
                case "ACK":
                    acks++;
                    if (long.TryParse(parts[3], CultureInfo.InvariantCulture, out var value))
                    {
                        lastAcked[parts[2]] = Math.Max(lastAcked.GetValueOrDefault(parts[2]), value);
                    }

                    break;
                case "ERR":
                    errors++;
                    var type = parts.Length > 5 ? parts[5] : "unknown";
                    byType[type] = byType.GetValueOrDefault(type) + 1;
                    break;
                default:
                    hangs++;
                    break;
            }
        }

        return new LedgerSummary(acks, errors, hangs, lastAcked, byType, max);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"acks={Acks} errors={Errors} hangs={Hangs} maxMs={MaxMilliseconds} errorTypes=[{string.Join(", ", ErrorsByType.Select(e => $"{e.Key}:{e.Value}"))}]";
}
