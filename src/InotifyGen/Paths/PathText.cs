namespace InotifyGen;

/// <summary>The path arithmetic of the watch table and the tree bookkeeping, in one place. Paths are absolute and normalised.</summary>
internal static class PathText
{
    /// <summary><paramref name="directory"/>/<paramref name="name"/>, or the directory alone when there is no name.</summary>
    public static string Join(string directory, string name) =>
        name.Length == 0 ? directory : directory.EndsWith('/') ? directory + name : directory + "/" + name;

    /// <summary>Whether <paramref name="path"/> is <paramref name="top"/> or lies below it.</summary>
    public static bool IsAtOrBelow(string path, string top) =>
        path.StartsWith(top, StringComparison.Ordinal)
        && (path.Length == top.Length || path[top.Length] == '/' || top == "/");

    /// <summary>The path with <paramref name="oldTop"/> (at or above it) replaced by <paramref name="newTop"/>.</summary>
    public static string Rebase(string path, string oldTop, string newTop) =>
        path.Length == oldTop.Length ? newTop : newTop + path[oldTop.Length..];

    /// <summary>The directory holding <paramref name="path"/>, or null for "/".</summary>
    public static string? Parent(string path)
    {
        if (path == "/")
            return null;
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>The last component of <paramref name="path"/>.</summary>
    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>Absolute, without a trailing slash (but "/" stays "/").</summary>
    public static string Normalize(string path)
    {
        if (path.Length == 0)
            throw new ArgumentException("the path is empty; give a file or directory to watch", nameof(path));
        var full = System.IO.Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }
}
