using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Delivery;
using Keyman.Tests.Support;

namespace Keyman.Tests.Delivery;

/// <summary>A bare command name is looked up in PATH only: a file planted in the current directory is never run.</summary>
public sealed class ExecutableLookupTests : IDisposable
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _bin = Directory.CreateTempSubdirectory("keyman-path-").FullName;
    private readonly string _name = "keyman-decoy-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _created = [];

    public void Dispose()
    {
        foreach (var file in _created)
        {
            File.Delete(file);
        }

        Directory.Delete(_bin, recursive: true);
    }

    private string Write(string directory, string name, string script, UnixFileMode mode)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }

        _created.Add(path);
        return path;
    }

    /// <summary>A decoy in the current directory, which is what .NET's Process.Start would try before PATH.</summary>
    private string Decoy() => Write(Directory.GetCurrentDirectory(), _name, "#!/bin/sh\nexit 42\n", Executable);

    [Fact]
    public void A_bare_name_is_found_in_PATH_and_not_in_the_current_directory()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Decoy();
        var real = Write(_bin, _name, "#!/bin/sh\nexit 0\n", Executable);
        // Empty and relative entries would mean the current directory; they are skipped.
        Assert.Equal(real, ExecutableLookup.Find(_name, $"::.:{_bin}"));
        Assert.Null(ExecutableLookup.Find(_name, ":."));
        Assert.Null(ExecutableLookup.Find(_name, "/nonexistent-keyman"));
    }

    [Fact]
    public void The_first_PATH_entry_with_an_executable_regular_file_wins()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var first = Directory.CreateDirectory(Path.Combine(_bin, "a")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(_bin, "b")).FullName;
        var third = Directory.CreateDirectory(Path.Combine(_bin, "c")).FullName;
        Write(first, _name, "data, not a program", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.CreateDirectory(Path.Combine(second, _name));
        var group = Write(third, _name, "#!/bin/sh\n", UnixFileMode.UserRead | UnixFileMode.GroupExecute);
        Assert.Equal(group, ExecutableLookup.Find(_name, string.Join(':', first, second, third)));
    }

    [Theory]
    [InlineData("./tool")]
    [InlineData("bin/tool")]
    [InlineData("/opt/tool")]
    public void A_name_with_a_slash_is_used_as_given(string name) =>
        Assert.Equal(name, ExecutableLookup.Find(name, "/nonexistent-keyman"));

    [Fact]
    public async Task Exec_does_not_run_a_decoy_in_the_current_directory()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Decoy();
        var e = await Assert.ThrowsAsync<KeymanException>(() => ChildProcess.RunAsync([_name], [], [], forwardInterrupt: false, new RecordingLog()));
        Assert.Equal(ExitCodes.CommandNotFound, e.ExitCode);
        Assert.Contains($"Cannot run '{_name}'", e.Message);
        Assert.Contains("PATH", e.Message);
    }

    [Fact]
    public async Task Credential_process_does_not_run_a_decoy_in_the_current_directory()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Decoy();
        var e = await Assert.ThrowsAsync<KeymanException>(() => CredentialProcessRunner.RunAsync(_name, "dev", CancellationToken.None));
        Assert.Equal(ExitCodes.AwsProfileInvalid, e.ExitCode);
        Assert.Contains("PATH", e.Message);
    }

    [Fact]
    public async Task Exec_runs_a_program_found_in_PATH()
    {
        var code = await ChildProcess.RunAsync(["sh", "-c", "exit 5"], [], [], forwardInterrupt: false, new RecordingLog());
        Assert.Equal(5, code);
    }
}
