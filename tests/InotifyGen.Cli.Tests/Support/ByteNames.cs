using System.Runtime.InteropServices;
using System.Text;

namespace InotifyGen.Cli.Tests.Support;

/// <summary>Files whose names are given as bytes, which .NET's file API (taking strings) cannot create.</summary>
public static partial class ByteNames
{
    /// <summary>Creates the empty file <paramref name="name"/> in <paramref name="dir"/> (creat(2), then close).</summary>
    public static void Create(string dir, byte[] name)
    {
        var path = Concat(Utf8(dir + "/"), name, [0]);
        var fd = Creat(path, Convert.ToInt32("644", 8));
        Assert.True(fd >= 0, $"creat failed: errno {Marshal.GetLastPInvokeError()}");
        Close(fd);
    }

    /// <summary>Creates the directory <paramref name="name"/> in <paramref name="dir"/> (mkdir(2)).</summary>
    public static void MakeDirectory(string dir, byte[] name) =>
        Assert.True(MkDir(Concat(Utf8(dir + "/"), name, [0]), Convert.ToInt32("755", 8)) == 0, $"mkdir failed: errno {Marshal.GetLastPInvokeError()}");

    /// <summary>Renames <paramref name="from"/> to <paramref name="to"/> inside <paramref name="dir"/> (rename(2)).</summary>
    public static void Rename(string dir, byte[] from, byte[] to) =>
        Assert.True(RenameFile(Concat(Utf8(dir + "/"), from, [0]), Concat(Utf8(dir + "/"), to, [0])) == 0,
            $"rename failed: errno {Marshal.GetLastPInvokeError()}");

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Splits at each <paramref name="end"/>; the bytes after the last one (an unfinished record) are left out.</summary>
    public static List<byte[]> Records(byte[] data, byte end)
    {
        var records = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] != end)
                continue;
            records.Add(data[start..i]);
            start = i + 1;
        }
        return records;
    }

    /// <summary>
    /// RFC 4180 over bytes: fields split at commas, records at <paramref name="end"/>, a quoted field may hold either,
    /// and "" inside quotes is one quote. Only complete records are returned.
    /// </summary>
    public static List<List<byte[]>> ParseCsv(byte[] data, byte end)
    {
        var records = new List<List<byte[]>>();
        var record = new List<byte[]>();
        var field = new List<byte>();
        var quoted = false;
        for (var i = 0; i < data.Length; i++)
        {
            var b = data[i];
            if (quoted)
            {
                if (b != (byte)'"')
                    field.Add(b);
                else if (i + 1 < data.Length && data[i + 1] == (byte)'"')
                    field.Add(data[++i]);
                else
                    quoted = false;
            }
            else if (b == (byte)'"' && field.Count == 0)
                quoted = true;
            else if (b == (byte)',' || b == end)
            {
                record.Add(field.ToArray());
                field.Clear();
                if (b == end)
                {
                    records.Add(record);
                    record = new List<byte[]>();
                }
            }
            else
                field.Add(b);
        }
        return records;
    }

    [LibraryImport("libc", EntryPoint = "creat", SetLastError = true)]
    private static partial int Creat(byte[] path, int mode);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static partial int MkDir(byte[] path, int mode);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static partial int RenameFile(byte[] from, byte[] to);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
