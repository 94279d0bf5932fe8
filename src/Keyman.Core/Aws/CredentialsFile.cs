using System.Diagnostics;
using System.Text;

namespace Keyman.Core.Aws;

/// <summary>
/// Writes one profile of the shared credentials file (~/.aws/credentials) and leaves everything else byte for byte:
/// other sections, comments, blank lines, line endings, encoding. The profile's section is replaced as a whole
/// (its old keys, including ones Keyman does not manage, and comments inside it go); comment and blank lines right
/// above the next section header are kept, since they describe that section. A missing section is appended.
/// The write is atomic (temp file with mode 0600, fsync, rename) and runs under an exclusive lock file
/// ("credentials.lock" next to it), so parallel Keyman processes writing different profiles never lose one.
/// </summary>
public static class CredentialsFile
{
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(10);

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>AWS_SHARED_CREDENTIALS_FILE (with ~ expanded), else {home}/.aws/credentials.</summary>
    public static string ResolvePath(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return AwsPaths.Expand(environment.Get("AWS_SHARED_CREDENTIALS_FILE"), environment)
            ?? Path.Combine(environment.HomeDirectory, ".aws", "credentials");
    }

    /// <summary>
    /// The keys Keyman writes: the credentials, aws_security_token (the legacy alias some tools still read), the region
    /// (when given), x_security_token_expires (RFC 3339 UTC, the name okta-aws-cli uses; SDKs ignore unknown keys) and
    /// x_principal_arn (the assumed role, gimme-aws-creds's name; for <c>keyman status</c>).
    /// </summary>
    /// <exception cref="KeymanException">ExitCodes.StsRefused when STS answered keys with a line break or other control
    /// character (they would add lines to the file); ExitCodes.Config for such a region.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> ProfileValues(AwsCredentials credentials, string? region)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ValidateIssued(credentials);
        if (region is not null && HasControlCharacter(region))
        {
            throw new KeymanException(ExitCodes.Config, "The region holds a line break or another control character",
                "Set the region to an AWS region name such as us-east-1 (-r/--region or 'region' in the config).");
        }

        var values = new List<KeyValuePair<string, string>>
        {
            new("aws_access_key_id", credentials.AccessKeyId),
            new("aws_secret_access_key", credentials.SecretAccessKey),
            new("aws_session_token", credentials.SessionToken),
            new("aws_security_token", credentials.SessionToken),
        };
        if (!string.IsNullOrWhiteSpace(region))
        {
            values.Add(new("region", region.Trim()));
        }

        values.Add(new("x_security_token_expires", credentials.ExpirationRfc3339));
        if (credentials.AssumedRoleArn is { Length: > 0 } principal && !HasControlCharacter(principal))
        {
            values.Add(new("x_principal_arn", principal));
        }

        return values;
    }

    /// <summary>
    /// Refuses credentials that STS answered with a line break or another control character in a key: written to the
    /// file, such a value would add lines (another profile's keys) to it. The value itself is never shown.
    /// </summary>
    /// <exception cref="KeymanException">ExitCodes.StsRefused.</exception>
    public static void ValidateIssued(AwsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        foreach (var (name, value) in new[]
                 {
                     ("AccessKeyId", credentials.AccessKeyId), ("SecretAccessKey", credentials.SecretAccessKey), ("SessionToken", credentials.SessionToken),
                 })
        {
            if (string.IsNullOrEmpty(value) || HasControlCharacter(value) || value != value.Trim())
            {
                throw new KeymanException(ExitCodes.StsRefused, $"AWS STS answered a {name} that is empty or holds spaces, a line break or another control character",
                    "Nothing was written. Check AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL: that endpoint is not answering like AWS STS.");
            }
        }
    }

    /// <summary>
    /// Checks, before anyone is asked for a password, that the credentials file can take the new profile: it is
    /// missing, or a regular file Keyman can read, within <see cref="RegularFile.IniLimit"/>, that the AWS CLI can
    /// parse (a dangling link is fine: the file is created where it points).
    /// </summary>
    /// <exception cref="KeymanException">ExitCodes.CredentialsFile, naming the line or the reason.</exception>
    public static void CheckBeforeLogin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var target = ResolveTarget(Path.GetFullPath(path));
        try
        {
            var bytes = RegularFile.ReadAllBytes(target, RegularFile.IniLimit, What, ExitCodes.CredentialsFile);
            if (bytes is not null && IniFile.FindSyntaxError(bytes) is { } problem)
            {
                throw new KeymanException(ExitCodes.CredentialsFile, $"The AWS credentials file {target} cannot be parsed: {problem}",
                    $"Fix or remove that line (the AWS CLI cannot read the file either), or set AWS_SHARED_CREDENTIALS_FILE to another file.");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("read", target, ex);
        }
    }

    private const string What = "the AWS credentials file";

    /// <summary>The profile's keys (case-insensitive), or null when the file or the section does not exist.</summary>
    /// <exception cref="KeymanException">ExitCodes.CredentialsFile when the file exists but cannot be read.</exception>
    public static IReadOnlyDictionary<string, string>? ReadProfile(string path, string profile)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(profile);
        try
        {
            return RegularFile.ReadAllText(path, RegularFile.IniLimit, What, ExitCodes.CredentialsFile) is { } text ? IniFile.Parse(text).Section(profile) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("read", path, ex);
        }
    }

    /// <summary>
    /// Replaces section [<paramref name="profile"/>] with <paramref name="values"/> (with <paramref name="merge"/>: sets just
    /// those keys and keeps the section's other lines), creating the file and its directory (0700) if needed.
    /// </summary>
    /// <exception cref="KeymanException">ExitCodes.CredentialsFile on any failure; the existing file is then untouched.</exception>
    /// <param name="remove">With <paramref name="merge"/>: top-level keys to drop from the section.</param>
    /// <param name="what">The file's name in messages.</param>
    public static void WriteProfile(string path, string profile, IReadOnlyList<KeyValuePair<string, string>> values, TimeSpan? lockTimeout = null, bool merge = false,
        IReadOnlyCollection<string>? remove = null, string what = What)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateSection(profile, values);
        Rewrite(path, what, lockTimeout, original => ReplaceSection(original, profile, values, merge, remove));
    }

    /// <summary>
    /// Replaces (or appends) every section of <paramref name="profiles"/> in one atomic write under one lock, so the
    /// file never holds some of them without the others (<c>--all-profiles</c>).
    /// </summary>
    /// <exception cref="KeymanException">ExitCodes.CredentialsFile on any failure; the existing file is then untouched.</exception>
    public static void WriteProfiles(string path, IReadOnlyList<KeyValuePair<string, IReadOnlyList<KeyValuePair<string, string>>>> profiles, TimeSpan? lockTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(profiles);
        foreach (var (profile, values) in profiles)
        {
            ValidateSection(profile, values);
        }

        Rewrite(path, What, lockTimeout, original => profiles.Aggregate(original, (content, p) => ReplaceSection(content, p.Key, p.Value)));
    }

    private static void ValidateSection(string profile, IReadOnlyList<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ValidateProfile(profile);
        foreach (var (key, value) in values)
        {
            if (string.IsNullOrWhiteSpace(key) || key.IndexOfAny(['=', ':', '[', '\r', '\n']) >= 0 || key != key.Trim())
            {
                throw new ArgumentException($"Invalid credentials file key '{key}'", nameof(values));
            }

            if (value is null || value.IndexOfAny(['\r', '\n']) >= 0)
            {
                // Never echo the value: it may be a secret.
                throw new ArgumentException($"The value of '{key}' is null or spans lines", nameof(values));
            }
        }
    }

    /// <summary>Reads the file under its lock and replaces it atomically (0600) with <paramref name="change"/> of its bytes.</summary>
    private static void Rewrite(string path, string what, TimeSpan? lockTimeout, Func<byte[], byte[]> change)
    {
        var target = ResolveTarget(Path.GetFullPath(path));
        var directory = Path.GetDirectoryName(target) ?? ".";
        try
        {
            // A FIFO would hang the read, a device never end it, and the rename would replace either with a plain file.
            RegularFile.EnsureRegularOrMissing(target, what, ExitCodes.CredentialsFile);
            AtomicFile.EnsureDirectory(directory);
            using var fileLock = AcquireLock(target + ".lock", lockTimeout ?? DefaultLockTimeout);
            var original = RegularFile.ReadAllBytes(target, RegularFile.IniLimit, what, ExitCodes.CredentialsFile) ?? [];
            AtomicFile.Replace(target, change(original), secret: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("write", target, ex);
        }
    }

    /// <summary>The new file content: <paramref name="original"/> with the profile's section replaced or appended.</summary>
    internal static byte[] ReplaceSection(byte[] original, string profile, IReadOnlyList<KeyValuePair<string, string>> values, bool merge = false,
        IReadOnlyCollection<string>? remove = null)
    {
        var bomLength = original.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var lines = SplitLines(original, bomLength);
        // New lines follow the file's first line ending; a new file gets "\n", which every AWS SDK reads.
        var newline = lines.FirstOrDefault(l => l.Terminator > 0).Terminator == 2 ? "\r\n" : "\n";

        var section = new StringBuilder().Append('[').Append(profile).Append(']').Append(newline);
        foreach (var (key, value) in values)
        {
            section.Append(key).Append(" = ").Append(value).Append(newline);
        }

        var sectionBytes = Encoding.UTF8.GetBytes(section.ToString());
        var texts = lines.Select(l => Encoding.UTF8.GetString(original, l.Start, l.Length - l.Terminator)).ToList();
        var headers = new List<(int Index, string Name)>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (IniFile.TryParseHeader(texts[i], out var name))
            {
                headers.Add((i, name));
            }
        }

        var output = new MemoryStream(original.Length + sectionBytes.Length + 4);
        var matches = headers.Where(h => h.Name == profile).ToList();
        if (matches.Count == 0)
        {
            output.Write(original);
            if (lines.Count > 0)
            {
                if (lines[^1].Terminator == 0)
                {
                    output.Write(Encoding.UTF8.GetBytes(newline));
                }

                if (!string.IsNullOrWhiteSpace(texts[^1]))
                {
                    output.Write(Encoding.UTF8.GetBytes(newline));
                }
            }

            output.Write(sectionBytes);
            return output.ToArray();
        }

        // Copy everything outside the profile's section(s); the first occurrence becomes the new section, later
        // duplicates (which botocore would reject) are dropped.
        var position = 0;
        var first = true;
        var following = 0; // walks headers once: the header after each match
        foreach (var (index, _) in matches)
        {
            while (following < headers.Count && headers[following].Index <= index)
            {
                following++;
            }

            var next = following < headers.Count ? headers[following].Index : lines.Count;
            var end = next;
            while (end > index + 1 && IsBlankOrComment(texts[end - 1]))
            {
                end--;
            }

            var start = lines[index].Start;
            output.Write(original, position, start - position);
            if (first)
            {
                output.Write(merge ? Encoding.UTF8.GetBytes(MergedSection(texts, index, end, values, remove ?? [], newline)) : sectionBytes);
                first = false;
            }

            position = end < lines.Count ? lines[end].Start : original.Length;
        }

        output.Write(original, position, original.Length - position);
        return output.ToArray();
    }

    /// <summary>
    /// The section at lines [header, end) with each key of <paramref name="values"/> set in place (the first top-level
    /// line with that key) or added after the section's last key; comments, other keys and nested blocks are kept.
    /// </summary>
    private static string MergedSection(List<string> texts, int header, int end, IReadOnlyList<KeyValuePair<string, string>> values,
        IReadOnlyCollection<string> remove, string newline)
    {
        var pending = values.ToList();
        var removed = new HashSet<string>(remove, StringComparer.OrdinalIgnoreCase);
        var written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var body = new List<string>(end - header);
        var dropNested = false; // the indented lines under a key line that was rewritten or dropped belong to its old value
        foreach (var line in texts.GetRange(header + 1, end - header - 1))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]) && !IsBlankOrComment(line))
            {
                if (!dropNested)
                {
                    body.Add(line); // a nested block such as "s3 =" under a key Keyman does not set
                }

                continue;
            }

            dropNested = false;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var key = eq > 0 && !IsBlankOrComment(line) ? line[..eq].Trim() : null;
            if (key is null)
            {
                body.Add(line);
                continue;
            }

            if (removed.Contains(key) || written.Contains(key))
            {
                dropNested = true; // removed, or a second line of a key already set (keys are case-insensitive)
                continue;
            }

            var match = pending.FindIndex(v => string.Equals(v.Key, key, StringComparison.OrdinalIgnoreCase));
            if (match >= 0)
            {
                body.Add($"{pending[match].Key} = {pending[match].Value}");
                written.Add(key);
                pending.RemoveAt(match);
                dropNested = true;
                continue;
            }

            body.Add(line);
        }

        var insertAt = body.FindLastIndex(l => !IsBlankOrComment(l)) + 1;
        body.InsertRange(insertAt, pending.Select(v => $"{v.Key} = {v.Value}"));
        var builder = new StringBuilder().Append(texts[header]).Append(newline);
        foreach (var line in body)
        {
            builder.Append(line).Append(newline);
        }

        return builder.ToString();
    }

    private static bool HasControlCharacter(string value) => value.Any(char.IsControl);

    private static bool IsBlankOrComment(string line)
    {
        var trimmed = line.TrimStart();
        return trimmed.Length == 0 || trimmed[0] is '#' or ';';
    }

    private static List<(int Start, int Length, int Terminator)> SplitLines(byte[] bytes, int start)
    {
        var lines = new List<(int, int, int)>();
        var lineStart = start;
        for (var i = start; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                var terminator = i > lineStart && bytes[i - 1] == (byte)'\r' ? 2 : 1;
                lines.Add((lineStart, i + 1 - lineStart, terminator));
                lineStart = i + 1;
            }
        }

        if (lineStart < bytes.Length)
        {
            lines.Add((lineStart, bytes.Length - lineStart, 0));
        }

        return lines;
    }

    private static void ValidateProfile(string profile)
    {
        if (string.IsNullOrWhiteSpace(profile) || profile != profile.Trim() || profile.IndexOfAny(['[', ']', '\r', '\n']) >= 0)
        {
            throw new KeymanException(ExitCodes.Usage, $"'{profile}' is not a valid AWS profile name",
                "Use letters, digits and - _ . without brackets or surrounding spaces.");
        }
    }

    /// <summary>Writes through a symlinked credentials file to its target, so the link survives the rename.</summary>
    private static string ResolveTarget(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    private static FileStream AcquireLock(string lockPath, TimeSpan timeout)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        if (Directory.Exists(lockPath))
        {
            throw new KeymanException(ExitCodes.CredentialsFile, $"{lockPath} is a directory", "Remove it; Keyman uses it as a lock file.");
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // The lock file stays in place: deleting it would let two writers lock two different files.
                return new FileStream(lockPath, options);
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                Thread.Sleep(Random.Shared.Next(10, 60));
            }
            catch (IOException ex)
            {
                throw new KeymanException(ExitCodes.CredentialsFile, $"Another process holds {lockPath}",
                    $"Wait for the other Keyman to finish; if none is running, delete {lockPath}.", ex);
            }
        }
    }

    private static KeymanException Failure(string verb, string path, Exception ex)
    {
        if (ex is KeymanException keyman)
        {
            return keyman;
        }

        var reason = ex is UnauthorizedAccessException ? "permission denied" : ex.Message.ReplaceLineEndings(" ");
        var directory = Path.GetDirectoryName(path);
        return new KeymanException(ExitCodes.CredentialsFile, $"Cannot {verb} the AWS credentials file {path}: {reason}",
            $"Check the owner and permissions of {path} and {directory} (Keyman replaces the file by renaming a new one into that directory), "
            + "or set AWS_SHARED_CREDENTIALS_FILE to a writable path.", ex);
    }
}
