using System.Diagnostics;
using InotifyGen.Cli.Output;

namespace InotifyGen.Cli;

/// <summary>
/// -c CMD: runs <c>/bin/sh -c CMD</c> once after each batch of events (the events one read() returned), and waits for
/// it, so batches never overlap. The command gets the batch two ways:
/// <list type="bullet">
/// <item>stdin: every event of the batch, in the output format chosen (raw, --json, --csv, --format), uncoloured, each
/// ended as on stdout (a newline, or NUL with -0), names as bytes;</item>
/// <item>environment: INOTIFYGEN_COUNT (events in the batch), INOTIFYGEN_PATHNAME, INOTIFYGEN_MASKNAME, INOTIFYGEN_NAME,
/// INOTIFYGEN_PATH and INOTIFYGEN_WD of the batch's first event, and INOTIFYGEN_PATHNAMES (every pathname, one a line);
/// these are text, so a name that is not valid UTF-8 has U+FFFD there (stdin has its bytes).</item>
/// </list>
/// Its stdout and stderr are inotifygen's. A command that fails is reported on stderr and does not stop watching.
/// </summary>
internal sealed class BatchCommand(string command, TextWriter status)
{
    private readonly List<string> _pathNames = new();
    private (string PathName, string MaskName, string Name, string Path, int Wd)? _first;

    /// <summary>The batch's text for the command's stdin: the caller appends each event's bytes.</summary>
    public ByteBuffer Stdin { get; } = new(4096);

    /// <summary>Adds an event to the batch (its text goes to <see cref="Stdin"/>).</summary>
    public void Add(in InotifyEvent e)
    {
        _first ??= (e.PathName, e.MaskName, e.Name, e.Path, e.Wd);
        _pathNames.Add(e.PathName);
    }

    /// <summary>Runs the command for the events added since the last run, if there are any.</summary>
    public void RunIfAny()
    {
        if (_first is not { } first)
            return;
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        psi.Environment["INOTIFYGEN_COUNT"] = _pathNames.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["INOTIFYGEN_PATHNAME"] = first.PathName;
        psi.Environment["INOTIFYGEN_MASKNAME"] = first.MaskName;
        psi.Environment["INOTIFYGEN_NAME"] = first.Name;
        psi.Environment["INOTIFYGEN_PATH"] = first.Path;
        psi.Environment["INOTIFYGEN_WD"] = first.Wd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["INOTIFYGEN_PATHNAMES"] = string.Join('\n', _pathNames);
        var input = Stdin.Written.ToArray();
        _first = null;
        _pathNames.Clear();
        Stdin.Clear();
        try
        {
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("the process did not start");
            try
            {
                p.StandardInput.BaseStream.Write(input);
                p.StandardInput.Close();
            }
            catch (IOException) { } // the command does not read its stdin: fine
            p.WaitForExit();
            if (p.ExitCode != 0)
                status.WriteLine($"inotifygen: -c command exited with code {p.ExitCode}: {command}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            status.WriteLine($"inotifygen: cannot run -c command '{command}': {e.Message}");
        }
    }
}
