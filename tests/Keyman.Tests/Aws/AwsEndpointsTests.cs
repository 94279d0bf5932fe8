using Keyman.Core;
using Keyman.Core.Aws;

namespace Keyman.Tests.Aws;

public class AwsEndpointsTests
{
    private static AwsEndpoints With(params (string Name, string Value)[] vars) =>
        new(new DictionaryEnvironment(vars.ToDictionary(v => v.Name, v => v.Value), "/home/t"));

    [Fact]
    public void Service_specific_variable_wins()
    {
        var endpoints = With(("AWS_ENDPOINT_URL_STS", "https://sts.local:4566"), ("AWS_ENDPOINT_URL", "https://all.local"));

        Assert.Equal(new Uri("https://sts.local:4566"), endpoints.Configured(AwsEndpoints.Sts));
        Assert.Equal(new Uri("https://all.local"), endpoints.Configured(AwsEndpoints.BedrockRuntime));
    }

    [Fact]
    public void Bedrock_runtime_key_uses_underscores()
    {
        var endpoints = With(("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://localhost:9000"));

        Assert.Equal(new Uri("http://localhost:9000"), endpoints.Configured(AwsEndpoints.BedrockRuntime));
        Assert.Equal(new Uri("http://localhost:9000"), endpoints.Configured("bedrock-runtime"));
        Assert.Null(endpoints.Configured(AwsEndpoints.Bedrock));
    }

    [Fact]
    public void Nothing_set_means_default()
    {
        Assert.Null(With().Configured(AwsEndpoints.Sts));
        Assert.Equal(new Uri("https://sts.eu-west-1.amazonaws.com"), AwsEndpoints.DefaultSts("eu-west-1"));
        Assert.Equal(new Uri("https://sts.cn-north-1.amazonaws.com.cn"), AwsEndpoints.DefaultSts("cn-north-1"));
    }

    [Fact]
    public void Ignore_flag_turns_overrides_off()
    {
        Assert.Null(With(("AWS_ENDPOINT_URL", "https://all.local"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")).Configured(AwsEndpoints.Sts));
    }

    [Fact]
    public void Invalid_url_is_a_config_error()
    {
        var ex = Assert.Throws<KeymanException>(() => With(("AWS_ENDPOINT_URL_STS", "sts.local")).Configured(AwsEndpoints.Sts));

        Assert.Equal(ExitCodes.Config, ex.ExitCode);
        Assert.Contains("AWS_ENDPOINT_URL_STS", ex.Message, StringComparison.Ordinal);
    }
}
