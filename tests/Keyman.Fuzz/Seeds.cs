using System.Text;
using Keyman.Core.Bedrock;

using Keyman.Tests.Bedrock;

namespace Keyman.Fuzz;

/// <summary>
/// The seed corpus, shaped like what the real services and tools write (see the fixtures in tests/Keyman.Tests).
/// <c>Keyman.Fuzz --write-seeds DIR</c> writes it as DIR/TARGET/NAME; the copy in corpus/ is what scripts/fuzz.sh uses.
/// </summary>
internal static class Seeds
{
    public const string SamlResponse = """
        <?xml version="1.0" encoding="UTF-8"?>
        <saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" Destination="https://signin.aws.amazon.com/saml" ID="id1" Version="2.0">
        <saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>
        <saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="id2" Version="2.0">
        <saml2:Subject><saml2:NameID>jane@example.com</saml2:NameID><saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData NotOnOrAfter="2025-08-22T14:35:00.000Z"/></saml2:SubjectConfirmation></saml2:Subject>
        <saml2:Conditions NotBefore="2025-08-22T14:25:00.000Z" NotOnOrAfter="2025-08-22T14:40:00.000Z"/>
        <saml2:AttributeStatement>
        <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml2:AttributeValue>jane@example.com</saml2:AttributeValue></saml2:Attribute>
        <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml2:AttributeValue>arn:aws:iam::123456789012:saml-provider/Okta,arn:aws:iam::123456789012:role/Admin</saml2:AttributeValue><saml2:AttributeValue>arn:aws:iam::210987654321:role/Dev,arn:aws:iam::210987654321:saml-provider/Okta</saml2:AttributeValue></saml2:Attribute>
        <saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><saml2:AttributeValue>43200</saml2:AttributeValue></saml2:Attribute>
        </saml2:AttributeStatement>
        </saml2:Assertion>
        </saml2p:Response>
        """;

    private const string User = """{"id":"00ub0oNGTSWTBKOLGLNR","profile":{"login":"jane.doe@acme.com","firstName":"Jane","lastName":"Doe"}}""";

    private const string Totp = """{"id":"uftgoogle123","factorType":"token:software:totp","provider":"GOOGLE","profile":{"credentialId":"jane.doe@acme.com"},"_links":{"verify":{"href":"https://acme.okta.com/api/v1/authn/factors/uftgoogle123/verify"}}}""";

    private const string Sms = """{"id":"smsfactor123","factorType":"sms","provider":"OKTA","profile":{"phoneNumber":"+1 XXX-XXX-1337"},"_links":{"verify":{"href":"https://acme.okta.com/api/v1/authn/factors/smsfactor123/verify"}}}""";

    private const string Push = """{"id":"opfpush123","factorType":"push","provider":"OKTA","profile":{"name":"Pixel 7","platform":"ANDROID"},"_links":{"verify":{"href":"/api/v1/authn/factors/opfpush123/verify"}}}""";

    public static IEnumerable<(string Target, string Name, byte[] Content)> All()
    {
        static (string, string, byte[]) Text(string target, string name, string content) => (target, name, Encoding.UTF8.GetBytes(content));

        yield return Text("okta-json", "success.json", """{"expiresAt":"2026-01-15T10:05:00.000Z","status":"SUCCESS","sessionToken":"20111sessionTOKEN","_embedded":{"user":""" + User + """}}""");
        yield return Text("okta-json", "mfa-required.json", """{"stateToken":"00stateTOKEN","expiresAt":"2026-01-15T10:05:00.000Z","status":"MFA_REQUIRED","_embedded":{"user":""" + User + ""","factors":[""" + Totp + """,""" + Sms + """,""" + Push + """]},"_links":{"cancel":{"href":"https://acme.okta.com/api/v1/authn/cancel"}}}""");
        yield return Text("okta-json", "mfa-challenge-push.json", """{"stateToken":"00stateTOKEN","status":"MFA_CHALLENGE","factorResult":"WAITING","_embedded":{"factor":{"id":"opfpush123","factorType":"push","provider":"OKTA","_embedded":{"challenge":{"correctAnswer":42}}}},"_links":{"next":{"name":"poll","href":"https://acme.okta.com/api/v1/authn/factors/opfpush123/verify"},"resend":[{"name":"push","href":"https://acme.okta.com/api/v1/authn/factors/opfpush123/verify/resend"}]}}""");
        yield return Text("okta-json", "password-warn.json", """{"stateToken":"00stateTOKEN","status":"PASSWORD_WARN","_embedded":{"policy":{"expiration":{"passwordExpireDays":"5"}}},"_links":{"skip":{"href":"https://acme.okta.com/api/v1/authn/skip"}}}""");
        yield return Text("okta-json", "error.json", """{"errorCode":"E0000004","errorSummary":"Authentication failed","errorLink":"E0000004","errorId":"oaeuHRrvMnuRga5UzpKIOhKpQ","errorCauses":[{"errorSummary":"Invalid credentials"}]}""");
        yield return Text("okta-json", "session.json", """{"id":"102sidSECRET","login":"jane.doe@acme.com","userId":"00ub0oNGTSWTBKOLGLNR","expiresAt":"2026-01-15T12:00:00.000Z","status":"ACTIVE"}""");
        yield return Text("okta-json", "app-links.json", """[{"id":"00ub0oNGTSWTBKOLGLNR","label":"AWS Prod","linkUrl":"https://acme.okta.com/home/amazon_aws/0oa1prodEXAMPLE/272","appName":"amazon_aws","appInstanceId":"0oa1prodEXAMPLE"},{"label":"SSO","linkUrl":"https://acme.okta.com/home/amazon_aws_sso/0oa2/1","appName":"amazon_aws_sso"}]""");

        yield return Text("app-page", "saml-form.html", """
            <html><head><title>Acme</title></head><body onload="document.forms[0].submit()">
            <form id="appForm" action="https://signin.aws.amazon.com/saml" method="POST">
            <input name="SAMLResponse" type="hidden" value="PHNhbWwycDpSZXNwb25zZT48L3NhbWwycDpSZXNwb25zZT4="/>
            <input name="RelayState" type="hidden" value=""/></form></body></html>
            """);
        yield return Text("app-page", "step-up.html", """
            <html><head><title>Acme - Extra Verification</title></head><body><div id="signin-container"></div>
            <script type="text/javascript">var stateToken = '00Xg1abc\x2DDEF\\x2Dghi'; var fromUri = '/login/second-factor';</script></body></html>
            """);
        yield return Text("app-page", "step-up-json.html", """
            <html><head><title>Acme</title></head><body>
            <script>var oktaData = {"redirectUri":"https://acme.okta.com/login/step-up/redirect?stateToken=x","signIn":{"stateToken":"02Jk9xyz\u002Dtoken"}};</script></body></html>
            """);
        yield return Text("app-page", "error.html", """
            <html><head><title>Acme - Error</title></head><body>
            <div class="error-content"><h1>Sorry, you can't access AWS Prod because you are not assigned this application in Okta.</h1></div></body></html>
            """);
        yield return Text("app-page", "sign-in.html", """<html><head><title>Acme - Sign In</title></head><body><div id="okta-sign-in"></div></body></html>""");

        yield return Text("saml", "okta.xml", SamlResponse);
        yield return Text("saml", "default-namespace.xml", """
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0"><Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="_2" Version="2.0">
            <Subject><SubjectConfirmation><SubjectConfirmationData NotOnOrAfter="2012-01-01T12:05:00Z"/></SubjectConfirmation></Subject>
            <AttributeStatement><Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>arn:aws:iam::123456789012:role/Dev,arn:aws:iam::123456789012:saml-provider/Okta</AttributeValue></Attribute></AttributeStatement>
            </Assertion></samlp:Response>
            """);

        yield return Text("sts-xml", "success.xml", """
            <AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
             <AssumeRoleWithSAMLResult>
              <Audience>https://signin.aws.amazon.com/saml</Audience>
              <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:jane@example.com</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/Dev/jane@example.com</Arn></AssumedRoleUser>
              <Credentials><AccessKeyId>ASIAEXAMPLE123456789</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey><SessionToken>FwoGZXIvYXdzEXAMPLE</SessionToken><Expiration>2025-08-22T15:35:24Z</Expiration></Credentials>
              <Subject>jane@example.com</Subject><SubjectType>unspecified</SubjectType><Issuer>http://www.okta.com/exk1</Issuer>
             </AssumeRoleWithSAMLResult>
             <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
            </AssumeRoleWithSAMLResponse>
            """);
        yield return Text("sts-xml", "access-denied.xml", """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithSAML</Message></Error><RequestId>r-1</RequestId></ErrorResponse>""");
        yield return Text("sts-xml", "duration.xml", """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>The requested DurationSeconds exceeds the MaxSessionDuration set for this role.</Message></Error><RequestId>r-2</RequestId></ErrorResponse>""");

        yield return ("event-stream", "happy.bin", Stream(
            """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-sonnet-20241022","content":[],"usage":{"input_tokens":14,"output_tokens":1}}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"The capital is Atlanta."}}""",
            """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}""",
            """{"type":"message_stop"}"""));
        yield return ("event-stream", "exception.bin", EventStreamWriter.Encode(
            [(":message-type", "exception"), (":exception-type", "modelStreamErrorException"), (":content-type", "application/json")],
            """{"message":"The model stopped","originalStatusCode":500}"""u8));
        yield return ("event-stream", "typed-headers.bin", EventStreamWriter.Encode(
            [
                new EventStreamHeader(":message-type", EventStreamHeaderType.String, "event"),
                new EventStreamHeader("flag", EventStreamHeaderType.BoolTrue, true),
                new EventStreamHeader("b", EventStreamHeaderType.Byte, (sbyte)-3),
                new EventStreamHeader("s", EventStreamHeaderType.Short, (short)300),
                new EventStreamHeader("i", EventStreamHeaderType.Integer, 70000),
                new EventStreamHeader("l", EventStreamHeaderType.Long, 1L << 40),
                new EventStreamHeader("bytes", EventStreamHeaderType.ByteArray, new byte[] { 1, 2, 3 }),
                new EventStreamHeader("t", EventStreamHeaderType.Timestamp, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)),
                new EventStreamHeader("u", EventStreamHeaderType.Uuid, new Guid("0f8fad5b-d9cb-469f-a165-70867728950e")),
            ],
            "{}"u8));

        yield return Text("config", "full.yml", """
            org: https://acme.okta.com
            username: jane.doe@acme.com
            accounts:
              - name: prod
                appid: 0oa1prodEXAMPLE/272
                assume_role_arn: arn:aws:iam::123456789012:role/Admin
              - name: dev
                appid: 0oa1devEXAMPLE/272
            region: eu-west-1
            duration: 43200
            reup: true
            factor: push
            password_cache: false
            refresh_before: 300
            command: aws s3 ls
            """);
        yield return Text("config", "flow.yml", "{org: acme, appid: '0oa1/272', reup: null, duration: \"3600\", accounts: [{name: a, appid: b}]}\n");
        yield return Text("config", "anchors.yml", "base: &b\n  appid: 0oa1/272\naccounts:\n  - *b\n  - <<: *b\n    name: copy\n# comment\nunknown_key: 1\n");

        yield return Text("aws-ini", "config.ini", """
            [default]
            region = us-east-1
            output = json

            [profile dev]
            role_arn = arn:aws:iam::123456789012:role/Dev
            source_profile = default
            duration_seconds = 3600
            s3 =
              max_concurrent_requests = 20

            [profile chain]
            role_arn = arn:aws:iam::210987654321:role/Admin
            source_profile = dev
            external_id: abc
            ; comment
            # comment
            """);
        yield return Text("aws-ini", "credentials.ini", "\uFEFF[default]\r\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\r\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\naws_session_token = FwoG\r\nx_security_token_expires = 2030-01-01T00:00:00Z\r\n\r\n[proc]\r\ncredential_process = keyman credential-process --profile proc\r\n");

        yield return Text("credentials-file", "two-profiles.ini", "# written by hand\n[default]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n\n# the dev profile\n[dev]\naws_access_key_id = AKIADEV\nregion = eu-west-1\ns3 =\n  addressing_style = path\n");
        foreach (var seed in DuoSeeds().Concat(DeviceSeeds()))
        {
            yield return seed;
        }

        yield return Text("credentials-file", "crlf-bom.ini", "\uFEFF[other]\r\naws_access_key_id = AKIAOTHER\r\n[default]\r\nkey=value\r\n[default]\r\ndup=1");
    }

    private const string DuoHost = "https://api-1234abcd.duosecurity.com";

    private const string DuoPluginPage = """
        <html><body><form id="plugin_form" method="POST" action="/frame/frameless/v4/auth?sid=frameless-1&amp;tx=TX1">
        <input type="hidden" name="tx" value="TX1"><input type="hidden" name="_xsrf" value="XSRF1"><input type="hidden" name="screen_resolution_width" value="1280">
        </form></body></html>
        """;

    private const string DuoLoginPage = """
        <html><body><form id="login-form" action="/frame/prompt" method="post">
        <input type="hidden" name="sid" value="frameless-1"><input type="hidden" name="_xsrf" value="XSRF1">
        <input type="hidden" name="preferred_device" value="phone2"><input type="hidden" name="itype" value="okta">
        <select name="device"><option value="phone1">Android (+X XXX-XXX-0001)</option><option value="phone2">iOS (+X XXX-XXX-0002)</option></select>
        </form></body></html>
        """;

    /// <summary>One scripted Duo conversation (see ScriptedHandler): the answers in the order Keyman asks.</summary>
    private static string Conversation(params string[] answers) => string.Join("\n~~~\n", answers);

    private static IEnumerable<(string Target, string Name, byte[] Content)> DuoSeeds()
    {
        static (string, string, byte[]) Text(string name, string content) => ("duo", name, Encoding.UTF8.GetBytes(content));

        // Duo Web's frame (Identity Engine): frame page, login form, prompt, status polls, the signed result.
        yield return Text("frame-push.txt", Conversation(
            DuoPluginPage,
            DuoLoginPage,
            """{"stat":"OK","response":{"txid":"TXID1"}}""",
            """{"stat":"OK","response":{"status_code":"pushed","status":"Pushed a login request to your device...","step_up_code":"123"}}""",
            """{"stat":"OK","response":{"status_code":"allow","status":"Success. Logging you in...","result":"SUCCESS","reason":"user_approved","result_url":"/frame/status/TXID1"}}""",
            """{"stat":"OK","response":{"cookie":"AUTH|amFuZQ==|1700000000|sig","parent":"https://acme.okta.com/"}}"""));
        yield return Text("frame-passcode-denied.txt", Conversation(
            DuoPluginPage,
            DuoLoginPage,
            """{"stat":"OK","response":{"txid":"TXID2"}}""",
            """{"stat":"OK","response":{"status_code":"deny","status":"Incorrect passcode. Please try again.","result":"FAILURE","reason":"invalid_passcode"}}""",
            """{"stat":"FAIL","code":40002,"message":"Invalid passcode","message_enum":57}"""));
        yield return Text("frame-call-risk.txt", Conversation(
            DuoPluginPage,
            DuoLoginPage,
            """{"stat":"OK","response":{"txid":"TXID3","risk_based_factor_selection_data":{"step_up_code":4711}}}""",
            """{"stat":"OK","response":{"status_code":"answered","status":"Answered. Press any key on your phone to log in."}}""",
            """{"stat":"OK","response":{"status_code":"allow","cookie":"AUTH|amFuZQ==|1700000000|sig"}}"""));

        // Okta Classic: the IdP link redirects to Duo, the frameless prompt, Duo's exit back to Okta's callback and its sid.
        yield return Text("classic-push.txt", Conversation(
            "HTTP 302 " + DuoHost + "/oauth/v1/authorize?response_type=code&client_id=DI1&request=eyJ.x.y",
            "HTTP 302 /frame/frameless/v4/auth?sid=frameless-1&tx=TX1 _dtc=duo-cookie; Path=/; Secure\n",
            DuoPluginPage,
            "HTTP 302 /frame/v4/auth/prompt?sid=frameless-1\n",
            DuoLoginPage,
            """{"stat":"OK","response":{"txid":"TXID1"}}""",
            """{"stat":"OK","response":{"status_code":"allow","status":"Success. Logging you in...","post_auth_action":"OIDC_EXIT"}}""",
            "HTTP 302 https://acme.okta.com/oauth2/v1/authorize/callback?state=S1&code=C1\n",
            "HTTP 302 https://acme.okta.com/app/UserHome sid=102sessionEXAMPLE; Path=/; Secure; HttpOnly\n"));
        yield return Text("classic-not-enrolled.txt", Conversation(
            "HTTP 302 " + DuoHost + "/oauth/v1/authorize?response_type=code",
            """<html><body><h1>Protect your account</h1><a href="/frame/enroll">Start enrollment</a></body></html>"""));

        // Duo's single-page prompt (2026): data-akey/data-authkey, then JSON under /prompt/{akey}/.
        yield return Text("single-page-push.txt", Conversation(
            "HTTP 302 " + DuoHost + "/oauth/v1/authorize?response_type=code",
            """<html><body><div id="app" data-akey="DAK1EXAMPLE" data-authkey="authkey-1" data-xsrf="x"></div><script src="/prompt/app.js"></script></body></html>""",
            """{"stat":"OK","response":{}}""",
            """{"stat":"OK","response":{"trust_state":"undecided"}}""",
            """{"stat":"OK","response":{"auth_factors_context":{"available_unified_auth_factors":{"factors":[{"factor_type":"push","device_info":{"pkey":"DPK1","name":"iPhone"}},{"factor_type":"phone_call","phone_info":{"pkey":"DPK2","name":"Mobile","end_of_number":"0002"}},{"factor_type":"mobile_otp"}]}}}}""",
            """{"stat":"OK","response":{"push_txid":"PTX1","step_up_code":"482"}}""",
            """{"stat":"OK","response":{"result":{"result":"WAITING","status_code":"pushed"}}}""",
            """{"stat":"OK","response":{"result":{"result":"SUCCESS","status_code":"allow","reason":"user_approved"}}}""",
            """{"stat":"OK","response":{"url":"https://acme.okta.com/oauth2/v1/authorize/callback?state=S1&code=C1"}}""",
            "HTTP 302 https://acme.okta.com/app/UserHome sid=102sessionEXAMPLE; Path=/\n"));
        yield return Text("single-page-call-fail.txt", Conversation(
            "HTTP 302 " + DuoHost + "/oauth/v1/authorize?response_type=code",
            """<html><body><div data-akey="DAK1EXAMPLE" data-authkey="authkey-1"></div></body></html>""",
            """{"stat":"OK"}""",
            """{"stat":"FAIL","message":"evaluation unavailable"}""",
            """{"stat":"OK","response":{"available_unified_auth_factors":{"factors":[{"factor_type":"phone_call","phone_info":{"pkey":"DPK2","end_of_number":"0002"}}]}}}""",
            """{"stat":"OK","response":{"txid":"CTX1"}}""",
            """{"stat":"OK","response":{"result":"CALLING"}}""",
            """{"stat":"OK","response":{"result":"FAILURE","status":"The call was not answered"}}"""));
    }

    private static IEnumerable<(string Target, string Name, byte[] Content)> DeviceSeeds()
    {
        static (string, string, byte[]) Text(string name, string content) => ("device-json", name, Encoding.UTF8.GetBytes(content));

        yield return Text("authorize.json", """{"device_code":"4cWx1EXAMPLEdeviceCode","user_code":"QWPZ-RDJN","verification_uri":"https://acme.okta.com/activate","verification_uri_complete":"https://acme.okta.com/activate?user_code=QWPZ-RDJN","expires_in":600,"interval":5}""");
        yield return Text("tokens.json", """{"token_type":"Bearer","expires_in":3600,"access_token":"eyJraWQiOiJ.access.sig","scope":"openid okta.apps.sso okta.apps.read okta.users.read.self","id_token":"eyJraWQiOiJ.id.sig"}""");
        yield return Text("web-sso-token.json", """{"token_type":"N_A","expires_in":300,"access_token":"eyJraWQiOiJ.websso.sig","issued_token_type":"urn:okta:oauth:token-type:web_sso_token"}""");
        yield return Text("pending.json", """{"error":"authorization_pending","error_description":"The device authorization is pending. Please try again later."}""");
        yield return Text("slow-down.json", """{"error":"slow_down","error_description":"Slow down the polling frequency. Please try again later."}""");
        yield return Text("access-denied.json", """{"error":"access_denied","error_description":"The resource owner or authorization server denied the request."}""");
        yield return Text("expired.json", """{"error":"expired_token","error_description":"The device code has expired."}""");
        yield return Text("invalid-client.json", """{"error":"invalid_client","error_description":"Invalid value for 'client_id' parameter."}""");
        yield return Text("exchange-scope.json", """{"error":"invalid_grant","error_description":"The 'actor_token' must have the 'okta.apps.sso' scope to request a 'web_sso_token'."}""");
        yield return Text("exchange-assurance.json", """{"error":"invalid_grant","error_description":"The web SSO token assurance requirements are not met."}""");
        yield return Text("string-numbers.json", """{"device_code":"d","user_code":"u","verification_uri":"http://127.0.0.1:8080/activate","expires_in":"600","interval":"5"}""");
        yield return Text("sso-error.html", """<html><head><title>Acme - Error</title></head><body><div class="error-content"><h1>403 - Forbidden</h1><p>The 'web_sso_token' is invalid.</p></div></body></html>""");
    }

    private static byte[] Stream(params string[] events) =>
        events.SelectMany(json => EventStreamWriter.Encode(
            [(":event-type", "chunk"), (":content-type", "application/json"), (":message-type", "event")],
            Encoding.UTF8.GetBytes($$"""{"bytes":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(json))}}","p":"abcdef"}"""))).ToArray();
}
