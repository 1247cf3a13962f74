using System.Text.RegularExpressions;

namespace OrleansRedis.Tests.Foundation;

/// <summary>One README command and what its comment says it answers.</summary>
internal sealed partial record ReadmeExample(string Command, string Expectation, IReadOnlyList<int> Statuses, IReadOnlyList<string> Headers, IReadOnlyList<string> Fields)
{
    /// <summary>Parses the text after <c># →</c>: <c>200 200 429 Retry-After: {allowed, remaining} (free text)</c>.</summary>
    public static ReadmeExample Parse(string command, string expectation)
    {
        var claim = expectation.Split("  (", 2)[0];
        var statuses = StatusPattern().Matches(claim).Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var headers = HeaderPattern().Matches(claim).Select(m => m.Groups["name"].Value).ToList();
        var fields = FieldsPattern().Match(claim) is { Success: true } braces
            ? braces.Groups["fields"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList()
            : [];
        if (statuses.Count + headers.Count + fields.Count == 0)
        {
            throw new FormatException($"'# → {expectation}' names no status, header or field: {command}");
        }

        return new ReadmeExample(command, expectation, statuses, headers, fields);
    }

    /// <summary>Lists how <paramref name="output"/> (what the command printed) differs from the claim; empty when it holds.</summary>
    public IEnumerable<string> Check(string output)
    {
        // curl -i prints a status line per response; -w '%{http_code}' prints the bare codes.
        var statusLines = StatusLinePattern().Matches(output).Select(m => int.Parse(m.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var printed = statusLines.Count > 0
            ? statusLines
            : output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
                .Where(word => BareStatusPattern().IsMatch(word)).Select(int.Parse).ToList();
        if (Statuses.Count > 0 && !printed.SequenceEqual(Statuses))
        {
            yield return $"status {string.Join(' ', printed)} instead of {string.Join(' ', Statuses)}";
        }

        foreach (var header in Headers.Where(h => !Regex.IsMatch(output, $@"^{Regex.Escape(h)}:", RegexOptions.Multiline | RegexOptions.IgnoreCase)))
        {
            yield return $"no {header} header";
        }

        foreach (var field in Fields.Where(f => !output.Contains($"\"{f}\":", StringComparison.Ordinal)))
        {
            yield return $"no \"{field}\" field";
        }
    }

    [GeneratedRegex(@"(?<![\w-])[1-5]\d\d(?![\w-])")]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"^[1-5]\d\d$")]
    private static partial Regex BareStatusPattern();

    [GeneratedRegex(@"(?<name>[A-Za-z][A-Za-z0-9-]*):(?=\s|$)")]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"\{(?<fields>[A-Za-z0-9_, ]+)\}")]
    private static partial Regex FieldsPattern();

    [GeneratedRegex(@"^HTTP/[\d.]+ (?<code>\d{3})", RegexOptions.Multiline)]
    private static partial Regex StatusLinePattern();
}
