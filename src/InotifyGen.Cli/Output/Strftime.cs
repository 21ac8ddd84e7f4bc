using System.Globalization;
using System.Text;

namespace InotifyGen.Cli.Output;

/// <summary>
/// The subset of C's strftime that --timefmt supports (the C locale): %Y %y %m %d %e %H %I %M %S %p %j %a %A %b %B %h
/// %F %T %D %R %s %z %Z %n %t %%. Any other conversion is copied through unchanged.
/// </summary>
internal static class Strftime
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Format(DateTimeOffset t, string format)
    {
        var sb = new StringBuilder(format.Length + 16);
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%' || i + 1 >= format.Length)
            {
                sb.Append(c);
                continue;
            }
            var d = format[++i];
            switch (d)
            {
                case 'Y': sb.Append(t.Year.ToString(CultureInfo.InvariantCulture)); break;
                case 'y': Two(sb, t.Year % 100); break;
                case 'm': Two(sb, t.Month); break;
                case 'd': Two(sb, t.Day); break;
                case 'e': sb.Append(t.Day < 10 ? " " : "").Append(t.Day.ToString(CultureInfo.InvariantCulture)); break;
                case 'H': Two(sb, t.Hour); break;
                case 'I': Two(sb, t.Hour % 12 == 0 ? 12 : t.Hour % 12); break;
                case 'M': Two(sb, t.Minute); break;
                case 'S': Two(sb, t.Second); break;
                case 'p': sb.Append(t.Hour < 12 ? "AM" : "PM"); break;
                case 'j': sb.Append(t.DayOfYear.ToString("000", CultureInfo.InvariantCulture)); break;
                case 'a': sb.Append(Days[(int)t.DayOfWeek].AsSpan(0, 3)); break;
                case 'A': sb.Append(Days[(int)t.DayOfWeek]); break;
                case 'b' or 'h': sb.Append(Months[t.Month - 1].AsSpan(0, 3)); break;
                case 'B': sb.Append(Months[t.Month - 1]); break;
                case 'F': sb.Append(Format(t, "%Y-%m-%d")); break;
                case 'T': sb.Append(Format(t, "%H:%M:%S")); break;
                case 'D': sb.Append(Format(t, "%m/%d/%y")); break;
                case 'R': sb.Append(Format(t, "%H:%M")); break;
                case 's': sb.Append(t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)); break;
                case 'z':
                    var off = t.Offset;
                    sb.Append(off < TimeSpan.Zero ? '-' : '+');
                    off = off.Duration();
                    Two(sb, off.Hours);
                    Two(sb, off.Minutes);
                    break;
                case 'Z': sb.Append(ZoneName(t)); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case '%': sb.Append('%'); break;
                default: sb.Append('%').Append(d); break;
            }
        }
        return sb.ToString();
    }

    private static void Two(StringBuilder sb, int v) => sb.Append(v.ToString("00", CultureInfo.InvariantCulture));

    private static string ZoneName(DateTimeOffset t)
    {
        var zone = TimeZoneInfo.Local;
        if (zone.Id is "UTC" or "Etc/UTC" || (zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime))
            return "UTC";
        return zone.IsDaylightSavingTime(t) ? zone.DaylightName : zone.StandardName;
    }
}
