using System.Text;
using System.Text.RegularExpressions;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// The <c>bash</c> examples of the README's "What you can do with it" section, as one script, with what each
/// <c># →</c> comment says the command answers. The README is the only copy: a test that replays this cannot drift.
/// </summary>
/// <remarks>
/// Every line of those blocks runs, in order, in one shell (so <c>ID=$(...)</c> carries to later lines). A line that
/// runs curl states its answer after <c># →</c>: status codes, then headers (<c>Name:</c>) and JSON fields
/// (<c>{a, b}</c>); an assignment instead must set its variable. Anything else that calls curl fails the parse.
/// </remarks>
internal sealed partial record ReadmeExamples(string Script, IReadOnlyList<ReadmeExample> Examples, IReadOnlyList<string> Assigned)
{
    private const string SectionStart = "## What you can do with it";
    private const string SectionEnd = "## Configuration";

    /// <summary>The marker printed before example <c>n</c>'s output.</summary>
    public static string Begin(int index) => $"@@example {index} begin";

    /// <summary>The marker printed after example <c>n</c>'s output.</summary>
    public static string End(int index) => $"@@example {index} end";

    /// <summary>Parses the README's examples section.</summary>
    public static ReadmeExamples Parse(string readme)
    {
        var start = readme.IndexOf(SectionStart, StringComparison.Ordinal);
        var end = readme.IndexOf(SectionEnd, start + 1, StringComparison.Ordinal);
        if (start < 0 || end < 0)
        {
            throw new FormatException($"The README lacks the sections '{SectionStart}' and '{SectionEnd}'.");
        }

        var script = new StringBuilder();
        var examples = new List<ReadmeExample>();
        var assigned = new List<string>();
        foreach (var command in Commands(readme[start..end]))
        {
            var expectation = command.IndexOf("# →", StringComparison.Ordinal);
            var assignment = AssignmentPattern().Match(command);
            if (expectation >= 0)
            {
                var index = examples.Count;
                examples.Add(ReadmeExample.Parse(command[..expectation].Trim(), command[(expectation + 3)..].Trim()));
                script.AppendLine($"echo '{Begin(index)}'");
                script.AppendLine(command);
                script.AppendLine($"echo; echo '{End(index)}'");
            }
            else if (assignment.Success)
            {
                var name = assignment.Groups["name"].Value;
                assigned.Add(name);
                script.AppendLine(command);
                script.AppendLine($"[ -n \"${name}\" ] || echo '@@unset {name}'");
            }
            else if (command.Contains("curl ", StringComparison.Ordinal))
            {
                throw new FormatException($"A README example runs curl without saying what it answers ('# → ...'): {command}");
            }
            else
            {
                script.AppendLine(command);
            }
        }

        return new ReadmeExamples(script.ToString(), examples, assigned);
    }

    // The lines of every ```bash block, continuation lines joined.
    private static IEnumerable<string> Commands(string section)
    {
        var inBash = false;
        var pending = new StringBuilder();
        foreach (var line in section.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inBash = !inBash && line.Trim() == "```bash";
                continue;
            }

            if (!inBash || (pending.Length == 0 && string.IsNullOrWhiteSpace(line)))
            {
                continue;
            }

            if (line.TrimEnd().EndsWith('\\'))
            {
                pending.AppendLine(line.TrimEnd());
                continue;
            }

            pending.Append(line.TrimEnd());
            yield return pending.ToString();
            pending.Clear();
        }
    }

    [GeneratedRegex(@"^(?<name>[A-Z][A-Z0-9_]*)=")]
    private static partial Regex AssignmentPattern();
}
