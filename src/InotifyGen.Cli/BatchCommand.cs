using System.Diagnostics;
using System.Text;

namespace InotifyGen.Cli;

/// <summary>
/// -c CMD: runs <c>/bin/sh -c CMD</c> once after each batch of events (the events one read() returned), and waits for
/// it, so batches never overlap. The command gets the batch two ways:
/// <list type="bullet">
/// <item>stdin: every event of the batch, one a line, in the output format chosen (raw, --json, --csv, --format), uncoloured;</item>
/// <item>environment: INOTIFYGEN_COUNT (events in the batch), INOTIFYGEN_PATHNAME, INOTIFYGEN_MASKNAME, INOTIFYGEN_NAME,
/// INOTIFYGEN_PATH and INOTIFYGEN_WD of the batch's first event, and INOTIFYGEN_PATHNAMES (every pathname, one a line).</item>
/// </list>
/// Its stdout and stderr are inotifygen's. A command that fails is reported on stderr and does not stop watching.
/// </summary>
internal sealed class BatchCommand(string command, TextWriter status)
{
    private readonly StringBuilder _stdin = new();
    private readonly List<string> _pathNames = new();
    private (string PathName, string MaskName, string Name, string Path, int Wd)? _first;

    public void Add(in InotifyEvent e, string text, string terminator)
    {
        _first ??= (e.PathName, e.MaskName, e.Name, e.Path, e.Wd);
        _pathNames.Add(e.PathName);
        _stdin.Append(text).Append(terminator);
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
        var input = _stdin.ToString();
        _first = null;
        _pathNames.Clear();
        _stdin.Clear();
        try
        {
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("the process did not start");
            try
            {
                p.StandardInput.Write(input);
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
