using System.Diagnostics;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

/// <summary>The README's examples, replayed on <c>./run.sh</c>'s cluster, answer what the README says.</summary>
[Collection(SharedRunScriptCollection.Name)]
public sealed class ReadmeExampleTests(RunScriptClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task RunScript_ReadmeExamples_AnswerAsTheReadmeSays()
    {
        var examples = ReadmeExamples.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md")));
        var cluster = fixture.Script;

        var printed = await RunBashAsync(examples.Script, cluster.Home);

        var failures = new List<string>();
        for (var i = 0; i < examples.Examples.Count; i++)
        {
            var example = examples.Examples[i];
            var begin = printed.IndexOf(ReadmeExamples.Begin(i), StringComparison.Ordinal);
            var end = printed.IndexOf(ReadmeExamples.End(i), StringComparison.Ordinal);
            var answer = begin >= 0 && end > begin ? printed[(begin + ReadmeExamples.Begin(i).Length)..end] : null;
            failures.AddRange(answer is null
                ? [$"{example.Command}\n    did not run"]
                : example.Check(answer).Select(problem => $"{example.Command}\n    # → {example.Expectation}\n    {problem}; it printed:\n{answer.Trim()}"));
        }

        failures.AddRange(examples.Assigned.Where(name => printed.Contains($"@@unset {name}", StringComparison.Ordinal)).Select(name => $"{name} was not set"));
        output.WriteLine($"{examples.Examples.Count} README examples replayed, {failures.Count} failed");
        Assert.True(examples.Examples.Count >= 30, $"only {examples.Examples.Count} examples were found in the README");
        Assert.True(failures.Count == 0, $"{failures.Count} README examples do not answer as the README says:\n\n{string.Join("\n\n", failures)}");
    }

    private static async Task<string> RunBashAsync(string script, string workingDirectory)
    {
        var info = new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var bash = Process.Start(info)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return await stdout + await stderr;
    }
}
