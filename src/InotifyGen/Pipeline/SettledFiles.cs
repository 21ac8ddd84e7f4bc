namespace InotifyGen;

/// <summary>
/// <see cref="NotifierOptions.SettleCompleteFiles"/>: each IN_FILE_COMPLETE is held until its file has been quiet for
/// the period (no IN_CLOSE_WRITE, IN_MODIFY or IN_FILE_COMPLETE of it) and no one has it open for writing, then
/// delivered once. A writer that closes and reopens (chunked uploads, <c>rsync --inplace</c>) so gives one. The period
/// is the same for every file, so the order of last activity is the order of deadlines: one list, re-armed by moving
/// an entry to its end, and the notifier's wait is cut to the first deadline. No thread and no timer per file.
/// </summary>
internal sealed class SettledFiles(TimeSpan quiet, TimeProvider time, IFileSystem fs)
{
    private sealed class Held(Watch watch, byte[] name, EventFlags flags)
    {
        public readonly Watch Watch = watch;
        public readonly byte[] Name = name;
        public EventFlags Flags = flags;
        public DateTimeOffset Due;
        public LinkedListNode<Held>? Node;
    }

    private readonly Dictionary<(int Wd, int Hash), List<Held>> _byName = new();
    private readonly LinkedList<Held> _order = new();

    public TimeSpan Quiet { get; } = quiet;

    /// <summary>How long until the first held file is due; null when none is held.</summary>
    public TimeSpan? UntilNext()
    {
        if (_order.First is not { } first)
            return null;
        var left = first.Value.Due - time.GetUtcNow();
        return left <= TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    /// <summary>
    /// Sees every event before the delivery rules: true when it is an IN_FILE_COMPLETE now held. An IN_CLOSE_WRITE
    /// or IN_MODIFY of a held file re-arms it; its IN_DELETE or IN_MOVED_FROM lets it go (a file that arrives
    /// elsewhere is complete there).
    /// </summary>
    public bool Hold(Watch watch, in InotifyEvent e)
    {
        var type = e.EventType;
        if (type == EventMask.FileComplete)
        {
            var held = Find(watch.Wd, e.NameBytes);
            if (held is null)
            {
                held = new Held(watch, e.NameBytes.ToArray(), e.Flags);
                Index(held).Add(held);
            }
            else
            {
                held.Flags &= e.Flags; // synthetic only if every completion was
                _order.Remove(held.Node!);
            }
            Arm(held);
            return true;
        }
        if (_order.Count == 0 || (type & (EventMask.CloseWrite | EventMask.Modify | EventMask.Delete | EventMask.MovedFrom)) == 0
            || Find(watch.Wd, e.NameBytes) is not { } found)
            return false;
        _order.Remove(found.Node!);
        if ((type & (EventMask.Delete | EventMask.MovedFrom)) != 0)
            Forget(found);
        else
            Arm(found);
        return false;
    }

    /// <summary>
    /// Hands each file due now to <paramref name="deliver"/>, unless it is open for writing again (then it waits on) or
    /// gone from its path (then it is dropped).
    /// </summary>
    public void Release(Action<Watch, byte[], EventFlags> deliver)
    {
        var now = time.GetUtcNow();
        while (_order.First is { } first && first.Value.Due <= now)
        {
            var held = first.Value;
            _order.RemoveFirst();
            if (held.Watch.IsRemoved)
            {
                Forget(held);
                continue;
            }
            var state = fs.Writers(PathText.Join(held.Watch.Path, FileNames.Decode(held.Name)));
            if (state == WriteState.OpenForWriting)
            {
                Arm(held); // its next IN_CLOSE_WRITE re-arms it again
                continue;
            }
            Forget(held);
            // Gone from its path (deleted or moved away, its event maybe not read yet): not complete here.
            if (state != WriteState.Unreadable)
                deliver(held.Watch, held.Name, held.Flags);
        }
    }

    private void Arm(Held held)
    {
        held.Due = time.GetUtcNow() + Quiet;
        held.Node = _order.AddLast(held);
    }

    private void Forget(Held held)
    {
        var key = (held.Watch.Wd, Hash(held.Name));
        if (_byName.TryGetValue(key, out var list) && list.Remove(held) && list.Count == 0)
            _byName.Remove(key);
    }

    private Held? Find(int wd, ReadOnlySpan<byte> name)
    {
        if (!_byName.TryGetValue((wd, Hash(name)), out var list))
            return null;
        foreach (var h in list)
            if (h.Name.AsSpan().SequenceEqual(name))
                return h;
        return null;
    }

    private List<Held> Index(Held held)
    {
        var key = (held.Watch.Wd, Hash(held.Name));
        if (!_byName.TryGetValue(key, out var list))
            _byName[key] = list = new List<Held>(1);
        return list;
    }

    private static int Hash(ReadOnlySpan<byte> name) => SyntheticNames.Hash(name);
}
