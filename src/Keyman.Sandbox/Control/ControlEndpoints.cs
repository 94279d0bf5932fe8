using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Okta;
using OtpNet;

namespace Keyman.Sandbox.Control;

/// <summary>Endpoints for tests under /_sandbox/ (never called by Keyman): outbox, request log, faults, TOTP, push, clock.</summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_sandbox");
        control.MapGet("/outbox", (SandboxState state, string? user) =>
        {
            lock (state.Sync)
            {
                var messages = new JsonArray();
                foreach (var m in state.Outbox.Where(m => user is null || string.Equals(m.User, user, StringComparison.OrdinalIgnoreCase)))
                {
                    messages.Add(new JsonObject
                    {
                        ["user"] = m.User, ["factorId"] = m.FactorId, ["factorType"] = m.FactorType,
                        ["to"] = m.To, ["code"] = m.Code, ["sentAt"] = OktaJson.Time(m.SentAt),
                    });
                }

                return OktaJson.Json(messages);
            }
        });

        // ?service=okta (comma-separated for several), ?since=ISO time (entries at or after it), ?after=SEQ (entries after
        // that sequence number: the clock-independent way to say "since my last look").
        control.MapGet("/requests", (SandboxState state, string? service, string? since, long? after) =>
        {
            DateTimeOffset? from = null;
            if (since is not null)
            {
                if (!DateTimeOffset.TryParse(since, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return Results.BadRequest(new { error = $"'since' must be an ISO 8601 time, not '{since}'." });
                }

                from = parsed;
            }

            var services = service?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            lock (state.Sync)
            {
                var entries = new JsonArray();
                foreach (var r in state.RequestLog.Where(r => (services is null || services.Contains(r.Service, StringComparer.OrdinalIgnoreCase))
                    && (from is null || r.Time >= from) && (after is null || r.Seq > after)))
                {
                    entries.Add(new JsonObject
                    {
                        ["seq"] = r.Seq, ["time"] = OktaJson.Time(r.Time), ["service"] = r.Service, ["method"] = r.Method,
                        ["path"] = r.Path, ["action"] = r.Action, ["status"] = r.Status, ["elapsedMs"] = Math.Round(r.ElapsedMs, 3),
                        ["credential"] = r.Credential,
                    });
                }

                return OktaJson.Json(entries);
            }
        });

        control.MapGet("/faults", (SandboxState state) => Results.Json(state.Faults.Snapshot()));
        control.MapPost("/faults", async (HttpContext http, SandboxState state) =>
        {
            var body = await OktaJson.ReadBodyAsync(http.Request);
            if (body is null)
            {
                return Results.BadRequest(new { error = "Expected a JSON object such as {\"okta429\":2}." });
            }

            try
            {
                foreach (var (name, value) in body)
                {
                    var number = value switch
                    {
                        JsonValue v when v.TryGetValue<bool>(out var b) => b ? int.MaxValue : 0,
                        JsonValue v when v.TryGetValue<int>(out var n) => n,
                        _ => throw new ArgumentException($"Fault '{name}' needs a number or a boolean."),
                    };
                    state.Faults.Set(name, name.Equals("malformedAppPage", StringComparison.OrdinalIgnoreCase) ? Math.Min(number, 1) : number);
                }
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(new { error = e.Message });
            }

            return Results.Json(state.Faults.Snapshot());
        });

        control.MapGet("/totp", (SandboxState state, string user, string? factor) =>
        {
            lock (state.Sync)
            {
                var definition = state.Scenario.FindUser(user);
                var totp = definition?.Factors.FirstOrDefault(f => f.FactorType == "token:software:totp" && f.Secret is not null
                    && (factor is null || f.Id == factor || string.Equals(f.Provider, factor, StringComparison.OrdinalIgnoreCase)));
                if (totp is null)
                {
                    return Results.NotFound(new { error = $"No TOTP factor '{factor}' for user '{user}'." });
                }

                var now = state.Now;
                var code = new Totp(Base32Encoding.ToBytes(totp.Secret!)).ComputeTotp(now.UtcDateTime);
                var remaining = 30 - (int)(now.ToUnixTimeSeconds() % 30);
                return Results.Json(new { user = definition!.Login, factorId = totp.Id, provider = totp.Provider, code, secondsRemaining = remaining });
            }
        });

        control.MapPost("/push", async (HttpContext http, SandboxState state) =>
        {
            var body = await OktaJson.ReadBodyAsync(http.Request);
            var user = body is null ? null : OktaJson.String(body, "user");
            var action = body is null ? null : OktaJson.String(body, "action");
            if (user is null || action is not ("approve" or "reject"))
            {
                return Results.BadRequest(new { error = "Expected {\"user\":\"login\",\"action\":\"approve|reject\"}." });
            }

            lock (state.Sync)
            {
                if (!state.Users.TryGetValue(user, out var runtime))
                {
                    return Results.NotFound(new { error = $"Unknown user '{user}'." });
                }

                runtime.ManualPushDecision = action;
                return Results.Json(new { user = runtime.Definition.Login, action });
            }
        });

        control.MapPost("/clock", async (HttpContext http, SandboxState state) =>
        {
            var body = await OktaJson.ReadBodyAsync(http.Request);
            if (body is null || !body.TryGetPropertyValue("advanceSeconds", out var node) || node is not JsonValue v || !v.TryGetValue<int>(out var seconds) || seconds < 0)
            {
                return Results.BadRequest(new { error = "Expected {\"advanceSeconds\": N} with N >= 0." });
            }

            state.Clock.Advance(TimeSpan.FromSeconds(seconds));
            return Results.Json(new { now = OktaJson.Time(state.Now), offsetSeconds = (long)state.Clock.Offset.TotalSeconds });
        });

        // Expires every credential issued so far (later ones are unaffected), without moving the clock.
        control.MapPost("/credentials/expire", (SandboxState state) =>
        {
            lock (state.Sync)
            {
                var now = state.Now;
                foreach (var key in state.Credentials.Keys.ToList())
                {
                    state.Credentials[key] = state.Credentials[key] with { Expiration = now };
                }

                return Results.Json(new { expired = state.Credentials.Count });
            }
        });

        // Ends every Okta session now (as an admin's "clear sessions" or the idle timeout would): sid cookies stop working.
        control.MapPost("/sessions/expire", (SandboxState state) =>
        {
            lock (state.Sync)
            {
                var count = 0;
                foreach (var session in state.Sessions.Values.Where(s => !s.Ended && s.ExpiresAt > state.Now))
                {
                    session.ExpiresAt = state.Now;
                    count++;
                }

                return Results.Json(new { expired = count });
            }
        });

        control.MapGet("/scenario", (SandboxState state) =>
            Results.Text(System.Text.Json.JsonSerializer.Serialize(state.Scenario, Scenario.ScenarioJsonContext.Default.ScenarioDocument), "application/json"));
    }
}
