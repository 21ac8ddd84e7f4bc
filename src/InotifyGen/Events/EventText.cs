using System.Text;

namespace InotifyGen;

/// <summary>pyinotify's text forms of an event, shared by every event type and printer.</summary>
internal static class EventText
{
    /// <summary>
    /// pyinotify's <c>repr(Event)</c>: fields sorted by name, mask in hex, <c>''</c> for an empty string,
    /// cookie only on moves, src_pathname only on a paired IN_MOVED_TO, and only mask fields for IN_Q_OVERFLOW.
    /// </summary>
    public static string Format(EventMask mask, uint cookie, string name, string path, bool isDir,
        string? srcPathName, int wd, bool hasWatch)
    {
        var sb = new StringBuilder(128).Append("<Event");
        if (!hasWatch)
            return sb.Append(" mask=0x").Append(((uint)mask).ToString("x"))
                .Append(" maskname=").Append(EventsCodes.MaskName(mask)).Append(" >").ToString();
        if ((mask & EventMask.Move) != 0)
            sb.Append(" cookie=").Append(cookie);
        sb.Append(" dir=").Append(isDir ? "True" : "False")
          .Append(" mask=0x").Append(((uint)mask).ToString("x"))
          .Append(" maskname=").Append(EventsCodes.MaskName(mask))
          .Append(" name=").Append(Quote(name))
          .Append(" path=").Append(Quote(path))
          .Append(" pathname=").Append(Quote(PathText.Join(path, name)));
        if (srcPathName is not null)
            sb.Append(" src_pathname=").Append(Quote(srcPathName));
        return sb.Append(" wd=").Append(wd).Append(" >").ToString();
    }

    private static string Quote(string s) => s.Length == 0 ? "''" : s;
}
