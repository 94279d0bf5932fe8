namespace Keyman.Tests;

/// <summary>
/// The tests mirror src/ folder for folder, so a reader finds the tests of a file where they expect them:
/// FooTests.cs of src/Keyman.Core/A/B/Foo.cs lives in A/B/, of src/Keyman/A/Foo.cs in Cli/A/, of src/Keyman.Sandbox/A/Foo.cs in Sandbox/A/.
/// </summary>
public sealed class TestLayoutTests
{
    private static readonly (string Source, string Tests)[] Roots =
    [
        ("src/Keyman.Core", string.Empty),
        ("src/Keyman", "Cli"),
        ("src/Keyman.Sandbox", "Sandbox"),
    ];

    [Fact]
    public void Every_test_file_named_after_a_source_file_sits_in_that_file_s_mirrored_folder()
    {
        var repo = RepositoryRoot();
        var sources = Roots
            .SelectMany(root => SourceFiles(Path.Combine(repo, root.Source))
                .Select(file => (Name: Path.GetFileNameWithoutExtension(file),
                    Folder: Path.Combine(root.Tests, Path.GetRelativePath(Path.Combine(repo, root.Source), Path.GetDirectoryName(file)!)))))
            .ToLookup(s => s.Name, s => Normalize(s.Folder));
        var tests = Path.Combine(repo, "tests", "Keyman.Tests");

        var misplaced = SourceFiles(tests)
            .Where(file => file.EndsWith("Tests.cs", StringComparison.Ordinal))
            .Select(file => (Name: Path.GetFileName(file)[..^"Tests.cs".Length], Folder: Normalize(Path.GetRelativePath(tests, Path.GetDirectoryName(file)!))))
            .Where(test => sources[test.Name].Any() && !sources[test.Name].Contains(test.Folder))
            // The sandbox's own IDX sign-in has tests named like Core's IdxSignIn; they sit with the sandbox.
            .Where(test => !(test.Folder.StartsWith("Sandbox", StringComparison.Ordinal) && sources[test.Name].Any(f => f.StartsWith("Okta", StringComparison.Ordinal))))
            .Select(test => $"{test.Folder}/{test.Name}Tests.cs belongs in {string.Join(" or ", sources[test.Name])}/")
            .ToList();

        Assert.Empty(misplaced);
    }

    [Fact]
    public void No_source_or_document_keeps_a_merge_conflict_marker()
    {
        var repo = RepositoryRoot();
        var files = new[] { "src", "tests", "docs", "scripts", "bench" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(repo, folder), "*", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(repo, "*.md"))
            .Where(f => Path.GetExtension(f) is ".cs" or ".md" or ".sh" or ".json" or ".csproj" or ".props" or ".yml"
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}corpus{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

        var marked = files.Where(f => File.ReadLines(f).Any(line => line.StartsWith("<<<<<<< ", StringComparison.Ordinal) || line.StartsWith(">>>>>>> ", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(repo, f))
            .ToList();

        Assert.Empty(marked);
    }

    private static string Normalize(string folder) => folder is "." ? string.Empty : folder.Replace('\\', '/').Replace("/.", string.Empty, StringComparison.Ordinal);

    private static IEnumerable<string> SourceFiles(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keyman.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Keyman.slnx not found above the test binaries");
    }
}
