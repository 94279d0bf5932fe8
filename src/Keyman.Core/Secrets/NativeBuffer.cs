using System.Runtime.InteropServices;
using System.Text;

namespace Keyman.Core.Secrets;

/// <summary>
/// Unmanaged memory for the keychain calls, wiped before it is freed. Passing plain addresses keeps every native
/// signature blittable, so no marshalling code is generated at run time (and none is needed under Native AOT).
/// </summary>
internal sealed class NativeBuffer : IDisposable
{
    private NativeBuffer(int length)
    {
        Length = length;
        Pointer = Marshal.AllocHGlobal(Math.Max(length, 1));
        Wipe();
    }

    public nint Pointer { get; private set; }

    public int Length { get; }

    public static NativeBuffer Zeroed(int length) => new(length);

    public static NativeBuffer FromBytes(byte[] bytes)
    {
        var buffer = new NativeBuffer(bytes.Length);
        Marshal.Copy(bytes, 0, buffer.Pointer, bytes.Length);
        return buffer;
    }

    /// <summary>UTF-8 bytes, no terminator (the Security framework takes explicit lengths).</summary>
    public static NativeBuffer Utf8(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        try
        {
            return FromBytes(bytes);
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    /// <summary>UTF-16 with a terminating NUL, as Win32's W functions expect.</summary>
    public static NativeBuffer Utf16z(string value)
    {
        var bytes = new byte[(value.Length + 1) * 2];
        try
        {
            Encoding.Unicode.GetBytes(value, bytes);
            return FromBytes(bytes);
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    public static byte[] Copy(nint source, int length)
    {
        var bytes = new byte[length];
        if (length > 0)
        {
            Marshal.Copy(source, bytes, 0, length);
        }

        return bytes;
    }

    private void Wipe()
    {
        for (var offset = 0; offset < Math.Max(Length, 1); offset++)
        {
            Marshal.WriteByte(Pointer, offset, 0);
        }
    }

    public void Dispose()
    {
        if (Pointer != 0)
        {
            Wipe();
            Marshal.FreeHGlobal(Pointer);
            Pointer = 0;
        }
    }
}
