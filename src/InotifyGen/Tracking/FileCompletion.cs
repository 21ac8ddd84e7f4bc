using Microsoft.Extensions.Logging;

namespace InotifyGen;

/// <summary>
/// Complete files. The kernel reports a file's IN_CLOSE_WRITE only to a watch that existed when it was closed, so a
/// file written into a new directory before its watch existed is found by the listing (a synthesised IN_CREATE) and
/// never closes again; and a file renamed into place (git, rsync, editors) only ever arrives by IN_MOVED_TO.
/// <list type="bullet">
/// <item>A file a listing finds gets a synthesised IN_CLOSE_WRITE when no one has it open for writing
/// (<see cref="IFileSystem.Writers"/>), and the kernel's own, if it is still queued, is dropped: exactly one. One
/// still open gets only the kernel's, later.</item>
/// <item>IN_FILE_COMPLETE (InotifyGen's own event) follows each IN_CLOSE_WRITE of a file, real or synthesised, and
/// each IN_MOVED_TO of a file not open for writing (one that is gets it with its IN_CLOSE_WRITE).</item>
/// </list>
/// Asking whether a file is open opens it for a moment, so the kernel queues IN_OPEN and IN_CLOSE_NOWRITE for it:
/// those echoes of the probe are dropped, not reported.
/// </summary>
internal sealed class FileCompletion(ILookAhead queue, IFileSystem fs, TrackerOutput output, ILogger logger)
{
    private readonly SyntheticNames _closed = new();   // listed as closed: the kernel's queued IN_CLOSE_WRITE is not another
    private readonly SyntheticNames _completed = new(); // arrived closed: the queued IN_CLOSE_WRITE of that close completes nothing new
    private readonly SyntheticNames _opens = new();    // the probe's own IN_OPEN ...
    private readonly SyntheticNames _closes = new();   // ... and IN_CLOSE_NOWRITE
    private readonly List<(SyntheticNames Set, int Wd, byte[] Name)> _listed = new(); // recorded when the listing ends
    private bool _warnedUnknown;

    /// <summary>See <see cref="NotifierOptions.CompleteFiles"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Whether the tracker must see this event (the bulk of events is not one).</summary>
    public bool Intercepts(Watch w, EventMask mask) =>
        ((mask & EventMask.CloseWrite) != 0 && ((w.Mask & EventMask.FileComplete) != 0 || _closed.Count > 0))
        || ((mask & (EventMask.Open | EventMask.CloseNoWrite)) != 0 && (_opens.Count > 0 || _closes.Count > 0));

    /// <summary>The kernel's IN_CLOSE_WRITE, IN_OPEN or IN_CLOSE_NOWRITE of <see cref="Intercepts"/>.</summary>
    public void OnEvent(Watch w, EventMask mask, ReadOnlySpan<byte> name)
    {
        if ((mask & EventMask.IsDir) == 0)
        {
            var echoes = (mask & EventMask.Open) != 0 ? _opens : (mask & EventMask.CloseNoWrite) != 0 ? _closes : _closed;
            if (echoes.Remove(w.Wd, name))
                return; // the probe's own, or a close the listing already reported
        }
        output.Emit(w, mask, 0, name);
        if ((mask & EventMask.CloseWrite) != 0 && (mask & EventMask.IsDir) == 0 && !_completed.Remove(w.Wd, name))
            Complete(w, name, null, EventFlags.None);
    }

    /// <summary>A regular file arrived by IN_MOVED_TO (already reported); <paramref name="listed"/>: a listing reported it first.</summary>
    public void OnArrived(Watch w, ReadOnlySpan<byte> name, string nameText, bool listed)
    {
        if ((w.Mask & EventMask.FileComplete) == 0 || listed)
            return;
        var state = Probe(w, name, PathText.Join(w.Path, nameText));
        // Open for writing: its IN_CLOSE_WRITE, under this name, completes it. Not ours to ask: a file renamed into
        // place was almost always written first, so it counts as complete. Gone: nothing to hand over.
        if (state is WriteState.Closed or WriteState.Unknown)
        {
            // Closed since the rename, maybe: that close's IN_CLOSE_WRITE is queued before this point.
            _listed.Add((_completed, w.Wd, name.ToArray()));
            Complete(w, name, nameText, EventFlags.None);
        }
        Record(queue.End + queue.KernelPending());
    }

    /// <summary>A listing of <paramref name="dir"/> found a regular file and reported its IN_CREATE.</summary>
    public void OnListed(Watch dir, ReadOnlySpan<byte> name, string nameText)
    {
        if (!Enabled || (dir.Mask & (EventMask.CloseWrite | EventMask.FileComplete)) == 0)
            return;
        var path = PathText.Join(dir.Path, nameText);
        switch (Probe(dir, name, path))
        {
            case WriteState.Closed:
                output.Emit(dir, EventMask.CloseWrite, 0, name, nameText, flags: EventFlags.Synthetic);
                _listed.Add((_closed, dir.Wd, name.ToArray()));
                Complete(dir, name, nameText, EventFlags.Synthetic);
                break;
            case WriteState.Unknown when !_warnedUnknown:
                _warnedUnknown = true;
                Log.WritersUnknown(logger, path);
                break;
        }
    }

    /// <summary>
    /// The listing's probes are done: every kernel event they could echo, and every IN_CLOSE_WRITE of a file they found
    /// closed, was queued before this position.
    /// </summary>
    public void EndListing()
    {
        if (_listed.Count > 0)
            Record(queue.End + queue.KernelPending());
    }

    public void OnGone(Watch w, ReadOnlySpan<byte> name)
    {
        // A later IN_CLOSE_WRITE of the name is of a new file.
        if (_closed.Count > 0)
            _closed.Remove(w.Wd, name);
        if (_completed.Count > 0)
            _completed.Remove(w.Wd, name);
    }

    public void Expire(long position)
    {
        _closed.Expire(position);
        _completed.Expire(position);
        _opens.Expire(position);
        _closes.Expire(position);
    }

    /// <summary>After an overflow: the events these wait for may be gone.</summary>
    public void Reset()
    {
        _closed.Clear();
        _completed.Clear();
        _opens.Clear();
        _closes.Clear();
        _listed.Clear();
    }

    private WriteState Probe(Watch w, ReadOnlySpan<byte> name, string path)
    {
        var state = fs.Writers(path);
        if (state != WriteState.Unreadable)
        {
            // It was opened: the kernel queues IN_OPEN and IN_CLOSE_NOWRITE for the name, if the watch asked for them.
            if ((w.Mask & EventMask.Open) != 0)
                _listed.Add((_opens, w.Wd, name.ToArray()));
            if ((w.Mask & EventMask.CloseNoWrite) != 0)
                _listed.Add((_closes, w.Wd, name.ToArray()));
        }
        return state;
    }

    private void Record(long expiry)
    {
        foreach (var (set, wd, name) in _listed)
            set.Add(wd, name, expiry);
        _listed.Clear();
    }

    private void Complete(Watch w, ReadOnlySpan<byte> name, string? nameText, EventFlags flags)
    {
        if ((w.Mask & EventMask.FileComplete) != 0)
            output.Emit(w, EventMask.FileComplete, 0, name, nameText, flags: flags);
    }
}
