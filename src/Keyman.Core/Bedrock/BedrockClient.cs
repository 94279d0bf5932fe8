using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Keyman.Core.Aws;
using Keyman.Core.Aws.Profiles;
using Keyman.Core.Http;
using Keyman.Core.Ui;

namespace Keyman.Core.Bedrock;

/// <summary>
/// Calls Bedrock's HTTP API directly (the AWSSDK.Bedrock packages are not available, and the Anthropic SDK's reflection
/// JSON fails under Native AOT): the control plane for model and inference-profile lists, the runtime for InvokeModel,
/// InvokeModelWithResponseStream, Converse and ConverseStream. Every attempt is signed afresh (SigV4) or carries the
/// Bedrock API key (Bearer); throttling and 5xx are retried a bounded number of
/// times with exponential backoff and jitter.
/// </summary>
public sealed class BedrockClient : IDisposable
{
    private const string EventStreamContentType = "application/vnd.amazon.eventstream";
    private const int MaxInferenceProfilePages = 100;

    /// <summary>SigV4 signing name of the control plane and the runtime alike.</summary>
    public const string SigningName = "bedrock";

    private readonly HttpPipeline _pipeline;
    private readonly HttpPipeline? _ownPipeline;
    private readonly AwsRequestSigner? _signer;
    private readonly ILog _log;
    private HttpClient? _http;
    private HttpClient? _stream;
    private readonly TimeProvider _time;
    private readonly string? _roleArn;

    public BedrockClient(AwsSession session, IEnvironment environment, ILog log, TimeProvider? time = null, HttpPipeline? pipeline = null)
        : this(BedrockAuth.FromCredentials((session ?? throw new ArgumentNullException(nameof(session))).Credentials, session.Profile), session.Region,
            environment, log, time, pipeline)
    {
    }

    public BedrockClient(AwsSigningCredentials credentials, string region, IEnvironment environment, ILog log, TimeProvider? time = null, HttpPipeline? pipeline = null)
        : this(BedrockAuth.FromCredentials(credentials, credentials?.Profile), region, environment, log, time, pipeline)
    {
    }

    /// <param name="auth">SigV4 credentials, or a Bedrock API key sent as Authorization: Bearer.</param>
    /// <param name="pipeline">Makes the HTTP clients (the run's shared pipeline; tests give theirs). Not disposed; null for a new one.</param>
    public BedrockClient(BedrockAuth auth, string region, IEnvironment environment, ILog log, TimeProvider? time = null, HttpPipeline? pipeline = null)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentNullException.ThrowIfNull(environment);
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _time = time ?? TimeProvider.System;
        Region = region;
        Auth = auth;
        if (auth is BedrockAuth.SigV4 sigV4)
        {
            _roleArn = sigV4.Credentials.RoleArn;
            _signer = new AwsRequestSigner(sigV4.Credentials, region, SigningName, _time);
        }

        var endpoints = new AwsEndpoints(environment);
        ControlPlaneEndpoint = endpoints.Configured(AwsEndpoints.Bedrock) ?? DefaultEndpoint("bedrock", region);
        RuntimeEndpoint = endpoints.Configured(AwsEndpoints.BedrockRuntime) ?? DefaultEndpoint("bedrock-runtime", region);
        _pipeline = pipeline ?? (_ownPipeline = new HttpPipeline(environment));
        StreamIdleTimeout = HttpTimeouts.Read(environment, HttpTimeouts.Bedrock) ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>What authenticates the requests (for doctor and -v; never the secret).</summary>
    public BedrockAuth Auth { get; }

    public string Region { get; }

    public Uri ControlPlaneEndpoint { get; }

    public Uri RuntimeEndpoint { get; }

    /// <summary>Attempts per call, the first included, when Bedrock throttles or fails with 5xx.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first backoff; each retry doubles it, up to <see cref="MaxDelay"/>, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Deadline of one attempt, the whole answer included (model generation included for InvokeModel).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest time an answer may send nothing: the wait for its headers (InvokeModel's whole generation) and each
    /// wait within its body. <c>KEYMAN_BEDROCK_TIMEOUT</c> overrides it (through the pipeline).
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a response stream may send nothing before the call fails (the model is still writing otherwise); <c>KEYMAN_BEDROCK_TIMEOUT</c> overrides it.</summary>
    public TimeSpan StreamIdleTimeout { get; init; }

    /// <summary>The largest JSON answer accepted.</summary>
    public long MaxResponseBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>A number in [0, 1) for backoff jitter; tests fix it.</summary>
    internal Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>
    /// Bedrock's retries: throttling and 5xx answers (by status or x-amzn-ErrorType), never a network failure (an
    /// InvokeModel that may have run is billed).
    /// </summary>
    internal RetryPolicy Policy => new()
    {
        Service = "Bedrock",
        MaxAttempts = MaxAttempts,
        BaseDelay = BaseDelay,
        MaxDelay = MaxDelay,
        Jitter = Jitter,
        AttemptTimeout = RequestTimeout,
        IdleTimeout = IdleTimeout,
        TimeoutVariable = HttpTimeouts.Bedrock,
        MaxResponseBytes = MaxResponseBytes,
        NetworkFailures = NetworkRetry.Never,
        IsRetryable = static r => BedrockErrors.IsRetryable((int)r.StatusCode,
            r.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? BedrockErrors.ParseErrorType(types.FirstOrDefault()) : null),
    };

    private HttpClient Http => _http ??= _pipeline.CreateClient(Policy, _log, _time, HttpTarget.Aws, _signer);

    /// <summary>For the event stream: the deadline covers the answer's headers; the body is read as it comes.</summary>
    private HttpClient Stream => _stream ??= _pipeline.CreateClient(Policy with { BufferResponse = false }, _log, _time, HttpTarget.Aws, _signer);

    /// <summary>https://{prefix}.{region}.amazonaws.com (amazonaws.com.cn in China).</summary>
    public static Uri DefaultEndpoint(string prefix, string region)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentException.ThrowIfNullOrEmpty(region);
        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://{prefix}.{region}.{suffix}");
    }

    /// <summary>GET /foundation-models[?byProvider=…].</summary>
    public async Task<IReadOnlyList<FoundationModelSummary>> ListFoundationModelsAsync(string? byProvider = null, CancellationToken cancellationToken = default)
    {
        var path = "/foundation-models" + (string.IsNullOrWhiteSpace(byProvider) ? "" : "?byProvider=" + Uri.EscapeDataString(byProvider.Trim()));
        var context = Context("ListFoundationModels", ControlPlaneEndpoint);
        var json = await GetStringAsync(ControlPlaneEndpoint, path, context, cancellationToken).ConfigureAwait(false);
        return Parse(json, BedrockJsonContext.Default.ListFoundationModelsResponse, context).ModelSummaries;
    }

    /// <summary>GET /inference-profiles, every page.</summary>
    public async Task<IReadOnlyList<InferenceProfileSummary>> ListInferenceProfilesAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<InferenceProfileSummary>();
        var context = Context("ListInferenceProfiles", ControlPlaneEndpoint);
        string? token = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 0; page < MaxInferenceProfilePages; page++)
        {
            var path = "/inference-profiles?maxResults=1000" + (token is null ? "" : "&nextToken=" + Uri.EscapeDataString(token));
            var json = await GetStringAsync(ControlPlaneEndpoint, path, context, cancellationToken).ConfigureAwait(false);
            var response = Parse(json, BedrockJsonContext.Default.ListInferenceProfilesResponse, context);
            all.AddRange(response.InferenceProfileSummaries);
            token = string.IsNullOrEmpty(response.NextToken) ? null : response.NextToken;
            if (token is null || !seen.Add(token))
            {
                break;
            }
        }

        return all;
    }

    /// <summary>POST /model/{modelId}/invoke with an Anthropic Messages body.</summary>
    public async Task<AnthropicInvokeResult> InvokeModelAsync(string modelId, AnthropicRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(request);
        var context = Context("InvokeModel", RuntimeEndpoint, modelId);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, BedrockJsonContext.Default.AnthropicRequest);
        using var response = await SendAsync(HttpMethod.Post, RuntimeEndpoint, ModelPath(modelId, "invoke"), body, "Accept", "application/json",
            context, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var json = await ReadBodyAsync(response, context, cancellationToken).ConfigureAwait(false);
        return new AnthropicInvokeResult(Parse(json, BedrockJsonContext.Default.AnthropicMessage, context), json);
    }

    /// <summary>
    /// POST /model/{modelId}/invoke-with-response-stream: text deltas as the bytes arrive, then one
    /// <see cref="AnthropicStreamCompleted"/> with the stop reason and usage.
    /// </summary>
    public async IAsyncEnumerable<AnthropicStreamUpdate> InvokeModelWithResponseStreamAsync(
        string modelId, AnthropicRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(request);
        var context = Context("InvokeModelWithResponseStream", RuntimeEndpoint, modelId);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, BedrockJsonContext.Default.AnthropicRequest);
        var open = await OpenEventStreamAsync(modelId, "invoke-with-response-stream", body, "X-Amzn-Bedrock-Accept", "application/json", context, cancellationToken)
            .ConfigureAwait(false);
        await using var _ = open.ConfigureAwait(false);
        var reader = open.Reader;
        var usage = new AnthropicUsage();
        string? stopReason = null, stopSequence = null, messageId = null, model = null;
        var stopped = false;
        while (await NextEventAsync(reader, context, cancellationToken).ConfigureAwait(false) is { } streamEvent)
        {
            switch (streamEvent.Type)
            {
                case "message_start":
                    messageId = streamEvent.Message?.Id;
                    model = streamEvent.Message?.Model;
                    if (streamEvent.Message?.Usage is { } startUsage)
                    {
                        usage.InputTokens = startUsage.InputTokens;
                        usage.OutputTokens = startUsage.OutputTokens;
                    }

                    break;
                case "content_block_delta" when streamEvent.Delta is { Type: "text_delta", Text: { Length: > 0 } text }:
                    yield return new AnthropicTextDelta(text);
                    break;
                case "message_delta":
                    stopReason = streamEvent.Delta?.StopReason ?? stopReason;
                    stopSequence = streamEvent.Delta?.StopSequence ?? stopSequence;
                    if (streamEvent.Usage is { } deltaUsage)
                    {
                        usage.OutputTokens = deltaUsage.OutputTokens;
                    }

                    break;
                case "message_stop":
                    stopped = true;
                    break;
                case "error":
                    throw new BedrockException(ExitCodes.BedrockServiceError,
                        $"The model reported an error mid-response for {modelId}: {streamEvent.Error?.Text ?? "(no message)"}",
                        "Retry in a moment.", streamEvent.Error?.LowerType ?? streamEvent.Error?.Type, null);
            }
        }

        if (!stopped && stopReason is null)
        {
            throw new BedrockException(ExitCodes.BedrockServiceError,
                $"Bedrock's response stream for {modelId} ended before the model finished (after {reader.MessageCount} messages)",
                "The connection was probably cut; retry.", null, null);
        }

        _log.Debug($"Bedrock stream done: stop_reason {stopReason}, {usage.InputTokens} input / {usage.OutputTokens} output tokens");
        yield return new AnthropicStreamCompleted(stopReason, stopSequence, usage, messageId, model);
    }

    /// <summary>POST /model/{modelId}/converse: the same request shape for every model Converse supports.</summary>
    public async Task<ConverseResponse> ConverseAsync(string modelId, ConverseRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(request);
        var context = Context("Converse", RuntimeEndpoint, modelId);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, ConverseJsonContext.Default.ConverseRequest);
        using var response = await SendAsync(HttpMethod.Post, RuntimeEndpoint, ModelPath(modelId, "converse"), body, "Accept", "application/json",
            context, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var json = await ReadBodyAsync(response, context, cancellationToken).ConfigureAwait(false);
        var result = Parse(json, ConverseJsonContext.Default.ConverseResponse, context);
        _log.Debug($"Converse done: stopReason {result.StopReason}, {result.Usage?.InputTokens} input / {result.Usage?.OutputTokens} output tokens");
        return result;
    }

    /// <summary>
    /// POST /model/{modelId}/converse-stream: text deltas as the bytes arrive, then one <see cref="ConverseStreamCompleted"/>
    /// with the stop reason and the usage of the metadata event.
    /// </summary>
    public async IAsyncEnumerable<ConverseStreamUpdate> ConverseStreamAsync(
        string modelId, ConverseRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(request);
        var context = Context("ConverseStream", RuntimeEndpoint, modelId);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, ConverseJsonContext.Default.ConverseRequest);
        var open = await OpenEventStreamAsync(modelId, "converse-stream", body, "Accept", EventStreamContentType, context, cancellationToken).ConfigureAwait(false);
        await using var _ = open.ConfigureAwait(false);
        var reader = open.Reader;
        string? stopReason = null;
        ConverseUsage? usage = null;
        var stopped = false;
        while (await NextMessageAsync(reader, context, cancellationToken).ConfigureAwait(false) is { } message)
        {
            var type = message.EventType;
            if (type is not ("contentBlockDelta" or "messageStop" or "metadata"))
            {
                continue; // messageStart, contentBlockStart, contentBlockStop carry nothing to show
            }

            var streamEvent = Parse(Encoding.UTF8.GetString(message.Payload), ConverseJsonContext.Default.ConverseStreamEvent, context);
            switch (type)
            {
                case "contentBlockDelta" when streamEvent.Delta?.Text is { Length: > 0 } text:
                    yield return new ConverseTextDelta(text);
                    break;
                case "messageStop":
                    stopped = true;
                    stopReason = streamEvent.StopReason;
                    break;
                case "metadata":
                    usage = streamEvent.Usage;
                    break;
            }
        }

        if (!stopped)
        {
            throw new BedrockException(ExitCodes.BedrockServiceError,
                $"Bedrock's response stream for {modelId} ended before the model finished (after {reader.MessageCount} messages)",
                "The connection was probably cut; retry.", null, null);
        }

        _log.Debug($"ConverseStream done: stopReason {stopReason}, {usage?.InputTokens} input / {usage?.OutputTokens} output tokens");
        yield return new ConverseStreamCompleted(stopReason, usage);
    }

    public void Dispose()
    {
        _http?.Dispose();
        _stream?.Dispose();
        _ownPipeline?.Dispose();
    }

    /// <summary>The next Anthropic event of the stream, skipping non-chunk events; null at the end.</summary>
    private async Task<AnthropicStreamEvent?> NextEventAsync(EventStreamReader reader, BedrockCallContext context, CancellationToken cancellationToken)
    {
        while (await NextMessageAsync(reader, context, cancellationToken).ConfigureAwait(false) is { } message)
        {
            if (message.EventType != "chunk")
            {
                _log.Debug($"Bedrock stream: skipping event {message.EventType ?? "(none)"}");
                continue;
            }

            var chunk = Parse(Encoding.UTF8.GetString(message.Payload), BedrockJsonContext.Default.BedrockChunk, context);
            if (string.IsNullOrEmpty(chunk.Bytes))
            {
                continue;
            }

            byte[] decoded;
            try
            {
                decoded = Convert.FromBase64String(chunk.Bytes);
            }
            catch (FormatException ex)
            {
                throw new BedrockException(ExitCodes.BedrockServiceError, "Bedrock sent a stream chunk that is not base64", "Retry; --debug shows more.", null, null, ex);
            }

            return Parse(Encoding.UTF8.GetString(decoded), BedrockJsonContext.Default.AnthropicStreamEvent, context);
        }

        return null;
    }

    /// <summary>
    /// The next event message of the stream (an in-stream exception or error is thrown, mapped); null at the end. Fails
    /// when the stream stays silent longer than <see cref="StreamIdleTimeout"/> or the connection breaks.
    /// </summary>
    private async Task<EventStreamMessage?> NextMessageAsync(EventStreamReader reader, BedrockCallContext context, CancellationToken cancellationToken)
    {
        EventStreamMessage? message;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(StreamIdleTimeout);
        try
        {
            message = await reader.ReadAsync(idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BedrockException(ExitCodes.Network,
                $"Bedrock's response stream in {Region} sent nothing for {StreamIdleTimeout.TotalSeconds:0.#} s (after {reader.MessageCount} messages)",
                "The connection probably stalled; retry.", null, null, ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new BedrockException(ExitCodes.Network, $"The connection to Bedrock in {Region} broke in the middle of the response: {ex.Message}",
                "Check your network and retry.", null, null, ex);
        }

        if (message is not null && message.MessageType is "exception" or "error")
        {
            throw BedrockErrors.FromStreamMessage(message, context);
        }

        return message;
    }

    /// <summary>Sends a streaming call and opens its event stream once the headers say it is one.</summary>
    private async Task<OpenEventStream> OpenEventStreamAsync(string modelId, string action, byte[] body, string acceptHeader, string accept,
        BedrockCallContext context, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Post, RuntimeEndpoint, ModelPath(modelId, action), body, acceptHeader, accept, context,
            HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureEventStream(response);
            return new OpenEventStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>A streaming response and the reader of its events; disposing closes both.</summary>
    private sealed class OpenEventStream(HttpResponseMessage response, Stream body) : IAsyncDisposable
    {
        public EventStreamReader Reader { get; } = new(body);

        public async ValueTask DisposeAsync()
        {
            await body.DisposeAsync().ConfigureAwait(false);
            response.Dispose();
        }
    }

    private static void EnsureEventStream(HttpResponseMessage response)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType is not null && !contentType.Equals(EventStreamContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new BedrockException(ExitCodes.BedrockServiceError,
                $"Bedrock answered the streaming call with {contentType} instead of an event stream", "A proxy in between may be rewriting responses; --debug shows more.",
                null, (int)response.StatusCode);
        }
    }

    private async Task<string> GetStringAsync(Uri endpoint, string pathAndQuery, BedrockCallContext context, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, endpoint, pathAndQuery, null, "Accept", "application/json", context,
            HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadBodyAsync(response, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends through the retry pipeline (each attempt signed afresh); returns a successful response or throws a mapped failure.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri endpoint, string pathAndQuery, byte[]? body, string acceptHeader, string accept,
        BedrockCallContext context, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var uri = Combine(endpoint, pathAndQuery);
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation(acceptHeader, accept);
        if (Auth is BedrockAuth.Bearer bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer.Token);
        }
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        _log.Debug($"{method} {uri}");
        HttpResponseMessage response;
        try
        {
            var http = completion == HttpCompletionOption.ResponseHeadersRead ? Stream : Http;
            response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (ResponseTooLargeException ex)
        {
            throw new BedrockException(ExitCodes.BedrockServiceError, $"Bedrock's answer to {context.Operation} is larger than {ex.Limit / 1024 / 1024} MiB",
                "A proxy or AWS_ENDPOINT_URL* may point somewhere else; --debug shows the request.", null, null, ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or TimeoutException or OperationCanceledException)
        {
            throw BedrockErrors.FromNetwork(ex is OperationCanceledException ? new TimeoutException($"No answer within {RequestTimeout}", ex) : ex, context);
        }

        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        _log.Debug($"-> {(int)response.StatusCode}{(requestId is null ? "" : $" (request id {requestId})")}");
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        BedrockException failure;
        using (response)
        {
            var text = await ReadBodyAsync(response, context, cancellationToken).ConfigureAwait(false);
            var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null;
            string? profile = null;
            if (context.ModelId is { } model && BedrockErrors.IsOnDemandUnsupported(BedrockErrors.ParseBody(text)?.Text))
            {
                profile = await FindInferenceProfileAsync(model, cancellationToken).ConfigureAwait(false);
            }

            failure = BedrockErrors.FromResponse((int)response.StatusCode, errorType, text, context, profile);
        }

        var attempts = request.Options.TryGetValue(RetryHandler.Attempts, out var made) ? made : 1;
        if (attempts > 1)
        {
            throw new BedrockException(failure.ExitCode, $"{failure.Message} (after {attempts} attempts)", failure.Hint, failure.ErrorType, failure.StatusCode);
        }

        throw failure;
    }

    /// <summary>Exponential backoff with "equal jitter": half the step fixed, half random, so delays grow but never line up.</summary>
    internal TimeSpan Backoff(int attempt) => Policy.Backoff(attempt);

    private async Task<string?> FindInferenceProfileAsync(string modelId, CancellationToken cancellationToken)
    {
        try
        {
            var profiles = await ListInferenceProfilesAsync(cancellationToken).ConfigureAwait(false);
            return BedrockModelSelector.InferenceProfileFor(modelId, profiles, Region)?.InferenceProfileId;
        }
        catch (KeymanException ex)
        {
            _log.Debug($"Could not list inference profiles to suggest one: {ex.Message}");
            return null;
        }
    }

    private async Task<string> ReadBodyAsync(HttpResponseMessage response, BedrockCallContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException)
        {
            throw BedrockErrors.FromNetwork(ex, context);
        }
    }

    private static T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, BedrockCallContext context)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type)
                ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new BedrockException(ExitCodes.BedrockServiceError, $"Bedrock's answer to {context.Operation} is not the JSON expected ({ex.Message})",
                "A proxy or AWS_ENDPOINT_URL* may point somewhere else; --debug shows the request.", null, null, ex);
        }
    }

    private BedrockCallContext Context(string operation, Uri endpoint, string? modelId = null) => new(operation, Region, modelId, _roleArn, endpoint);

    /// <summary>/model/{id}/{action} with the ID percent-encoded (':' -> %3A, '/' -> %2F), as the service expects.</summary>
    internal static string ModelPath(string modelId, string action) => $"/model/{Uri.EscapeDataString(modelId)}/{action}";

    private static Uri Combine(Uri endpoint, string pathAndQuery)
    {
        var basePath = endpoint.AbsolutePath.TrimEnd('/');
        return new Uri(endpoint.GetLeftPart(UriPartial.Authority) + basePath + pathAndQuery);
    }
}
