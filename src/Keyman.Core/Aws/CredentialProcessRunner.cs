using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Keyman.Core.Delivery;

namespace Keyman.Core.Aws;

/// <summary>
/// Runs a profile's <c>credential_process</c> the way the AWS SDKs do: no shell, the command split into words,
/// stdout read as the Version 1 JSON, stderr and stdin left to the user (a login may prompt on the terminal).
/// </summary>
public static class CredentialProcessRunner
{
    public static async Task<AwsSigningCredentials> RunAsync(string command, string profile, CancellationToken cancellationToken)
    {
        var words = CommandLine.Split(command);
        if (words.Count == 0)
        {
            throw new KeymanException(ExitCodes.AwsProfileInvalid, $"credential_process of AWS profile '{profile}' is empty", "Set it to a command, e.g. `keyman credential-process --profile NAME` (keyman setup-profile NAME writes it).");
        }

        // PATH only, never the current directory (see ExecutableLookup): the AWS SDKs run it from wherever the user is.
        var program = ExecutableLookup.Find(words[0]) ?? throw new KeymanException(ExitCodes.AwsProfileInvalid,
            $"credential_process of AWS profile '{profile}' names '{words[0]}', which is not an executable in PATH",
            "Use the absolute path of the program (keyman setup-profile NAME writes it).");
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var word in words.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        string output;
        int exitCode;
        try
        {
            using var process = Process.Start(start)!;
            output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            exitCode = process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new KeymanException(ExitCodes.AwsProfileInvalid, $"credential_process of AWS profile '{profile}' cannot start '{words[0]}': {e.Message}",
                "Use the absolute path of the program (keyman setup-profile NAME writes it).", e);
        }

        if (exitCode != 0)
        {
            throw new KeymanException(ExitCodes.AwsCredentialsMissing, $"credential_process of AWS profile '{profile}' failed with exit code {exitCode}",
                "Its own message is above; run the command by hand to see it.");
        }

        return Parse(output, profile);
    }

    /// <summary>Reads {"Version":1,"AccessKeyId","SecretAccessKey","SessionToken"?,"Expiration"?}; the values never reach a message.</summary>
    public static AwsSigningCredentials Parse(string output, string profile)
    {
        KeymanException Bad(string what) => new(ExitCodes.AwsCredentialsMissing,
            $"credential_process of AWS profile '{profile}' printed {what}",
            "It must print {\"Version\": 1, \"AccessKeyId\": …, \"SecretAccessKey\": …, \"SessionToken\": …, \"Expiration\": …} on stdout.");
        try
        {
            using var json = JsonDocument.Parse(output);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad("JSON that is not an object");
            }

            string? S(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            // Compared by value like botocore's `version != 1`: 1.0 is 1; 1.5, 2, "1" and 1e400 are not.
            if (!root.TryGetProperty("Version", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetDecimal(out var number) || number != 1m)
            {
                throw Bad("no \"Version\": 1");
            }

            if (S("AccessKeyId") is not { Length: > 0 } id || S("SecretAccessKey") is not { Length: > 0 } secret)
            {
                throw Bad("no AccessKeyId or SecretAccessKey");
            }

            DateTimeOffset? expiration = S("Expiration") is { } text
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
            return new AwsSigningCredentials(id, secret, S("SessionToken"), expiration, AwsCredentialOrigin.CredentialProcess, profile, null, null);
        }
        catch (JsonException)
        {
            throw Bad("something that is not JSON");
        }
    }
}
