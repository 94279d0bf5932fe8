namespace Keyman.Core.Http;

/// <summary>Looks through an exception and its inner exceptions (SDKs and HttpClient wrap the cause).</summary>
internal static class ExceptionChain
{
    public static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }
}
