using System.Net.Http.Json;
using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Scenario;

namespace Keyman.EndToEnd.Bedrock;

/// <summary>
/// The how-to's machine after step 3: Keyman has logged in and written "default", ~/.aws/config holds the Bedrock
/// profile chained on it, AWS_PROFILE names that profile, and every AWS endpoint is the sandbox.
/// </summary>
internal static class BedrockWorld
{
    public const string BedrockRole = "arn:aws:iam::111111111111:role/my-bedrock-role";

    public static async Task<World> LoggedInAsync(ScenarioDocument? scenario = null, string roleArn = BedrockRole, params string[] faults)
    {
        var world = await World.StartAsync(scenario, faults);
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        world.Env["AWS_ENDPOINT_URL"] = world.Url;
        world.Env["AWS_SHARED_CREDENTIALS_FILE"] = world.CredentialsPath;
        var login = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(login.ExitCode == 0, login.ToString());
        WriteAwsConfig(world, roleArn);
        world.Env["AWS_PROFILE"] = "bedrock";
        return world;
    }

    public static void WriteAwsConfig(World world, string roleArn) =>
        File.WriteAllText(world.Env["AWS_CONFIG_FILE"], $"""
            [default]
            region = us-east-1
            output = json

            [profile bedrock]
            role_arn = {roleArn}
            source_profile = default
            region = us-east-1
            """);

    public static async Task PostAsync(World world, string path, object? body = null)
    {
        using var http = world.NewHttpClient();
        using var response = await http.PostAsJsonAsync(world.Url + path, body ?? new { });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Runs a shell pipeline, as the how-to's steps are written (jq, grep).</summary>
    public static Task<RunResult> ShellAsync(World world, string script) =>
        KeymanProcess.RunFileAsync("/bin/bash", ["-o", "pipefail", "-c", script], world.Env, TimeSpan.FromSeconds(90));
}
