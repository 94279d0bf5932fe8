using System.Text;
using Keyman.Core.Ui;
using Tmds.DBus.Protocol;

namespace Keyman.Core.Secrets.Linux;

/// <summary>
/// The freedesktop.org Secret Service (GNOME Keyring, KeePassXC, KWallet 5.97+) over the session D-Bus.
/// </summary>
/// <remarks>
/// Items live in the default collection with the attributes Python's keyring library uses
/// (<c>service</c>, <c>username</c>, plus <c>application</c> and <c>xdg:schema</c>), and lookups match on
/// <c>service</c> and <c>username</c> only, exactly as keyring does: a password aws_okta_keyman stored is found, and
/// aws_okta_keyman finds what Keyman stores. The session uses the "plain" algorithm: the secret crosses the
/// session bus, a private Unix socket that only this user's processes can connect to, and any process that can
/// talk to that bus can ask the Secret Service for the same secret anyway, so transport encryption would add
/// code without adding protection (libsecret falls back to "plain" for the same reason).
/// </remarks>
public sealed class SecretServiceStore : ISecretStore
{
    internal const string BusName = "org.freedesktop.secrets";
    private const string ServicePath = "/org/freedesktop/secrets";
    private const string ServiceInterface = "org.freedesktop.Secret.Service";
    private const string CollectionInterface = "org.freedesktop.Secret.Collection";
    private const string ItemInterface = "org.freedesktop.Secret.Item";
    private const string PromptInterface = "org.freedesktop.Secret.Prompt";
    private const string SessionInterface = "org.freedesktop.Secret.Session";
    private const string NoPrompt = "/";

    internal const string AddressVariable = "DBUS_SESSION_BUS_ADDRESS";
    internal const string Application = "Keyman";

    private const string NoServiceHint =
        "Is gnome-keyring-daemon (or another Secret Service) running, and is DBUS_SESSION_BUS_ADDRESS set? " + SecretStoreUnavailableException.Fallback;

    private readonly string? _address;
    private readonly bool _canPrompt;
    private readonly TimeSpan _callTimeout;
    private readonly TimeSpan _promptTimeout;
    private readonly ILog _log;
    private readonly IInteraction? _interaction;

    /// <param name="interaction">Shows the wait for an unlock dialog (the live wait line on a terminal); null: the log line alone.</param>
    public SecretServiceStore(IEnvironment environment, ILog log, IInteraction? interaction = null)
        : this(environment.Get(AddressVariable), canPrompt: environment.Get("DISPLAY") is not null || environment.Get("WAYLAND_DISPLAY") is not null, log,
            interaction: interaction)
    {
    }

    /// <param name="address">The D-Bus address of the session bus; null when none is known.</param>
    /// <param name="canPrompt">Whether the Secret Service may show an unlock dialog (a display exists); when false a locked keyring is an error.</param>
    internal SecretServiceStore(string? address, bool canPrompt, ILog log, TimeSpan? callTimeout = null, TimeSpan? promptTimeout = null,
        IInteraction? interaction = null)
    {
        _address = address;
        _canPrompt = canPrompt;
        _log = log;
        _interaction = interaction;
        _callTimeout = callTimeout ?? TimeSpan.FromSeconds(25);
        _promptTimeout = promptTimeout ?? TimeSpan.FromMinutes(2);
    }

    public string Name => "Secret Service (GNOME Keyring)";

    public override string ToString() => Name;

    public async Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        using var conversation = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var items = await conversation.SearchAsync(service, account, cancellationToken).ConfigureAwait(false);
        if (items.Length == 0)
        {
            _log.Debug($"Secret Service: nothing stored for {service}/{account}");
            return null;
        }

        return await conversation.GetSecretAsync(items[0], cancellationToken).ConfigureAwait(false);
    }

    public async Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        using var conversation = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var items = await conversation.SearchAsync(service, account, cancellationToken).ConfigureAwait(false);
        if (items.Length == 0)
        {
            await conversation.CreateItemAsync(service, account, secret, cancellationToken).ConfigureAwait(false);
            _log.Debug($"Secret Service: stored a new item for {service}/{account}");
            return;
        }

        // Update the item in place (it may have been written by aws_okta_keyman with other attributes), and drop
        // duplicates so that later lookups cannot pick a stale one.
        await conversation.SetSecretAsync(items[0], secret, cancellationToken).ConfigureAwait(false);
        foreach (var extra in items.Skip(1))
        {
            await conversation.DeleteAsync(extra, cancellationToken).ConfigureAwait(false);
        }

        _log.Debug($"Secret Service: replaced the item for {service}/{account}");
    }

    public async Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        using var conversation = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var items = await conversation.SearchAsync(service, account, cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            await conversation.DeleteAsync(item, cancellationToken).ConfigureAwait(false);
        }

        return items.Length > 0;
    }

    private async Task<Conversation> OpenAsync(CancellationToken cancellationToken)
    {
        if (_address is null)
        {
            throw new SecretStoreUnavailableException(
                "No Secret Service: DBUS_SESSION_BUS_ADDRESS is not set, so there is no session D-Bus to reach it on.",
                NoServiceHint);
        }

        var connection = new DBusConnection(_address);
        var conversation = new Conversation(this, connection);
        try
        {
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(_callTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new SecretStoreUnavailableException(
                    $"No Secret Service: cannot connect to the session D-Bus at {_address} ({e.Message}).", NoServiceHint, e);
            }

            await conversation.StartAsync(cancellationToken).ConfigureAwait(false);
            return conversation;
        }
        catch
        {
            conversation.Dispose();
            throw;
        }
    }

    /// <summary>One connection, one Secret Service session, the default collection unlocked.</summary>
    private sealed class Conversation(SecretServiceStore store, DBusConnection connection) : IDisposable
    {
        private string _session = NoPrompt;
        private string _collection = NoPrompt;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            _session = await CallAsync(OpenSessionMessage(), static (m, _) => ReadOpenSessionReply(m), "open a session", cancellationToken).ConfigureAwait(false);
            _collection = await CallAsync(ReadAliasMessage("default"), static (m, _) => m.GetBodyReader().ReadObjectPathAsString(), "find the default keyring", cancellationToken).ConfigureAwait(false);
            if (_collection == NoPrompt)
            {
                throw new SecretStoreUnavailableException(
                    "The Secret Service has no default keyring.",
                    "Create one (the desktop's \"Passwords and Keys\" app, or start gnome-keyring-daemon with --unlock and a password on stdin). "
                    + SecretStoreUnavailableException.Fallback);
            }

            var locked = await CallAsync(GetPropertyMessage(_collection, CollectionInterface, "Locked"), static (m, _) => m.GetBodyReader().ReadVariantValue().GetBool(), "read the keyring state", cancellationToken).ConfigureAwait(false);
            if (!locked)
            {
                return;
            }

            store._log.Debug("Secret Service: the default keyring is locked; asking to unlock it");
            var prompt = await CallAsync(UnlockMessage(_collection), static (m, _) => ReadUnlockReply(m), "unlock the keyring", cancellationToken).ConfigureAwait(false);
            await CompletePromptAsync(prompt, "unlock the keyring", cancellationToken).ConfigureAwait(false);
        }

        public async Task<string[]> SearchAsync(string service, string account, CancellationToken cancellationToken)
        {
            var paths = await CallAsync(SearchMessage(service, account), static (m, _) => m.GetBodyReader().ReadArrayOfObjectPath(), "search the keyring", cancellationToken).ConfigureAwait(false);
            return paths.Select(p => p.ToString()).ToArray();
        }

        public async Task<string> GetSecretAsync(string item, CancellationToken cancellationToken)
        {
            var bytes = await CallAsync(GetSecretMessage(item), static (m, _) => ReadSecretReply(m), "read the secret", cancellationToken).ConfigureAwait(false);
            try
            {
                return Encoding.UTF8.GetString(bytes);
            }
            finally
            {
                Array.Clear(bytes);
            }
        }

        public async Task SetSecretAsync(string item, string secret, CancellationToken cancellationToken)
        {
            await CallAsync(SetSecretMessage(item, secret), static (_, _) => true, "replace the secret", cancellationToken).ConfigureAwait(false);
        }

        public async Task CreateItemAsync(string service, string account, string secret, CancellationToken cancellationToken)
        {
            var prompt = await CallAsync(CreateItemMessage(service, account, secret), static (m, _) => ReadCreateItemReply(m), "store the secret", cancellationToken).ConfigureAwait(false);
            await CompletePromptAsync(prompt, "store the secret", cancellationToken).ConfigureAwait(false);
        }

        public async Task DeleteAsync(string item, CancellationToken cancellationToken)
        {
            var prompt = await CallAsync(DeleteMessage(item), static (m, _) => m.GetBodyReader().ReadObjectPathAsString(), "remove the secret", cancellationToken).ConfigureAwait(false);
            await CompletePromptAsync(prompt, "remove the secret", cancellationToken).ConfigureAwait(false);
        }

        public void Dispose()
        {
            if (_session != NoPrompt)
            {
                // Best effort: the daemon also closes the session when the connection goes away.
                connection.TrySendMessage(CloseSessionMessage(_session));
            }

            connection.Dispose();
        }

        private async Task CompletePromptAsync(string prompt, string what, CancellationToken cancellationToken)
        {
            if (prompt == NoPrompt)
            {
                return;
            }

            if (!store._canPrompt)
            {
                connection.TrySendMessage(SimpleCall(prompt, PromptInterface, "Dismiss"));
                throw Locked($"The Secret Service must show a prompt to {what} (the keyring is locked), and there is no display to show it on.");
            }

            var completed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var watch = await connection.WatchSignalAsync(
                null, prompt, PromptInterface, "Completed",
                static (m, _) => m.GetBodyReader().ReadBool(),
                (Notification<bool> n) =>
                {
                    if (n.HasValue)
                    {
                        completed.TrySetResult(n.Value);
                    }
                    else if (n.IsCompletion)
                    {
                        completed.TrySetException(n.CompletionReason);
                    }
                },
                ObserverFlags.None, false, null).ConfigureAwait(false);

            store._log.MustShow($"The Secret Service asks for confirmation to {what}; answer the dialog on your screen.");
            await CallAsync(PromptMessage(prompt), static (_, _) => true, what, cancellationToken).ConfigureAwait(false);
            using var wait = store._interaction?.Wait($"Waiting for the dialog to {what}") ?? WaitIndicator.None;
            bool dismissed;
            try
            {
                dismissed = await completed.Task.WaitAsync(store._promptTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                connection.TrySendMessage(SimpleCall(prompt, PromptInterface, "Dismiss"));
                throw Locked($"The Secret Service prompt to {what} was not answered within {store._promptTimeout.TotalSeconds:0} s.");
            }

            if (dismissed)
            {
                throw Locked($"The Secret Service prompt to {what} was dismissed.");
            }
        }

        private static SecretStoreUnavailableException Locked(string message) => new(
            message,
            "Unlock the keyring (log in to the desktop session, or run gnome-keyring-daemon --unlock), or run without -P. "
            + SecretStoreUnavailableException.Fallback,
            exitCode: ExitCodes.SecretStoreLocked);

        private async Task<T> CallAsync<T>(MessageBuffer message, MessageValueReader<T> reader, string what, CancellationToken cancellationToken)
        {
            try
            {
                return await connection.CallMethodAsync(message, reader).WaitAsync(store._callTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (DBusErrorReplyException e)
            {
                throw Translate(e, what);
            }
            catch (TimeoutException e)
            {
                throw new SecretStoreUnavailableException(
                    $"The Secret Service did not answer within {store._callTimeout.TotalSeconds:0} s when asked to {what}.", NoServiceHint, e);
            }
            catch (Exception e) when (e is DBusConnectionException or DBusConnectionClosedException or IOException)
            {
                throw new SecretStoreUnavailableException($"Lost the session D-Bus connection while trying to {what} ({e.Message}).", NoServiceHint, e);
            }
        }

        private static SecretStoreUnavailableException Translate(DBusErrorReplyException e, string what)
        {
            // D-Bus error texts name objects and interfaces, never the secret, so they are safe to show.
            switch (e.ErrorName)
            {
                case "org.freedesktop.DBus.Error.ServiceUnknown":
                case "org.freedesktop.DBus.Error.NameHasNoOwner":
                case "org.freedesktop.DBus.Error.Spawn.ChildExited":
                case "org.freedesktop.DBus.Error.Spawn.ExecFailed":
                case "org.freedesktop.DBus.Error.Spawn.ServiceNotFound":
                    return new SecretStoreUnavailableException(
                        "No Secret Service on the session D-Bus (nothing owns org.freedesktop.secrets).", NoServiceHint, e);
                case "org.freedesktop.Secret.Error.IsLocked":
                    return Locked($"The keyring is locked, so Keyman cannot {what}.");
                default:
                    return new SecretStoreUnavailableException(
                        $"The Secret Service refused to {what}: {e.ErrorName}: {e.ErrorMessage}", NoServiceHint, e);
            }
        }

        private MessageBuffer OpenSessionMessage()
        {
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(BusName, ServicePath, ServiceInterface, "OpenSession", "sv", MessageFlags.None);
                writer.WriteString("plain");
                writer.WriteVariantString("");
                return writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }
        }

        private static string ReadOpenSessionReply(Message message)
        {
            var reader = message.GetBodyReader();
            reader.ReadVariantValue();
            return reader.ReadObjectPathAsString();
        }

        private MessageBuffer ReadAliasMessage(string alias)
        {
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(BusName, ServicePath, ServiceInterface, "ReadAlias", "s", MessageFlags.None);
                writer.WriteString(alias);
                return writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }
        }

        private MessageBuffer GetPropertyMessage(string path, string @interface, string property)
        {
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(BusName, path, "org.freedesktop.DBus.Properties", "Get", "ss", MessageFlags.None);
                writer.WriteString(@interface);
                writer.WriteString(property);
                return writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }
        }

        private MessageBuffer UnlockMessage(string collection)
        {
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(BusName, ServicePath, ServiceInterface, "Unlock", "ao", MessageFlags.None);
                writer.WriteArray(new ObjectPath[] { new(collection) });
                return writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }
        }

        private static string ReadUnlockReply(Message message)
        {
            var reader = message.GetBodyReader();
            reader.ReadArrayOfObjectPath();
            return reader.ReadObjectPathAsString();
        }

        private MessageBuffer SearchMessage(string service, string account)
        {
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(BusName, _collection, CollectionInterface, "SearchItems", "a{ss}", MessageFlags.None);
                WriteAttributes(ref writer, SearchAttributes(service, account));
                return writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }
        }

        private MessageBuffer GetSecretMessage(string item)
        {
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(BusName, item, ItemInterface, "GetSecret", "o", MessageFlags.None);
                writer.WriteObjectPath(_session);
                return writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }
        }

        private static byte[] ReadSecretReply(Message message)
        {
            var reader = message.GetBodyReader();
            reader.AlignStruct();
            reader.ReadObjectPath();
            reader.ReadArrayOfByte();
            return reader.ReadArrayOfByte();
        }

        private MessageBuffer SetSecretMessage(string item, string secret)
        {
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(BusName, item, ItemInterface, "SetSecret", "(oayays)", MessageFlags.None);
                WriteSecret(ref writer, _session, secret);
                return writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }
        }

        private MessageBuffer CreateItemMessage(string service, string account, string secret)
        {
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(BusName, _collection, CollectionInterface, "CreateItem", "a{sv}(oayays)b", MessageFlags.None);
                var properties = writer.WriteDictionaryStart();
                writer.WriteDictionaryEntryStart();
                writer.WriteString("org.freedesktop.Secret.Item.Label");
                writer.WriteVariantString(Label(service, account));
                writer.WriteDictionaryEntryStart();
                writer.WriteString("org.freedesktop.Secret.Item.Attributes");
                writer.WriteSignature("a{ss}");
                WriteAttributes(ref writer, ItemAttributes(service, account));
                writer.WriteDictionaryEnd(properties);
                WriteSecret(ref writer, _session, secret);
                writer.WriteBool(true);
                return writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }
        }

        private static string ReadCreateItemReply(Message message)
        {
            var reader = message.GetBodyReader();
            reader.ReadObjectPath();
            return reader.ReadObjectPathAsString();
        }

        private MessageBuffer DeleteMessage(string item) => SimpleCall(item, ItemInterface, "Delete");

        private MessageBuffer PromptMessage(string prompt)
        {
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(BusName, prompt, PromptInterface, "Prompt", "s", MessageFlags.None);
                writer.WriteString("");
                return writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }
        }

        private MessageBuffer CloseSessionMessage(string session) => SimpleCall(session, SessionInterface, "Close");

        private MessageBuffer SimpleCall(string path, string @interface, string member)
        {
            var writer = connection.GetMessageWriter();
            try
            {
                writer.WriteMethodCallHeader(BusName, path, @interface, member, null, MessageFlags.None);
                return writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }
        }
    }

    /// <summary>What a lookup matches on: the two attributes Python keyring searches by.</summary>
    internal static KeyValuePair<string, string>[] SearchAttributes(string service, string account) =>
    [
        new("service", service),
        new("username", account),
    ];

    /// <summary>What a new item carries: keyring's attributes, with Keyman as the application, and libsecret's generic schema.</summary>
    internal static KeyValuePair<string, string>[] ItemAttributes(string service, string account) =>
    [
        new("application", Application),
        new("service", service),
        new("username", account),
        new("xdg:schema", "org.freedesktop.Secret.Generic"),
    ];

    internal static string Label(string service, string account) => $"Password for '{account}' on '{service}'";

    private static void WriteAttributes(ref MessageWriter writer, KeyValuePair<string, string>[] attributes)
    {
        var start = writer.WriteDictionaryStart();
        foreach (var (key, value) in attributes)
        {
            writer.WriteDictionaryEntryStart();
            writer.WriteString(key);
            writer.WriteString(value);
        }

        writer.WriteDictionaryEnd(start);
    }

    private static void WriteSecret(ref MessageWriter writer, string session, string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        try
        {
            writer.WriteStructureStart();
            writer.WriteObjectPath(session);
            writer.WriteArray(ReadOnlySpan<byte>.Empty);
            writer.WriteArray(bytes.AsSpan());
            writer.WriteString("text/plain");
        }
        finally
        {
            Array.Clear(bytes);
        }
    }
}
