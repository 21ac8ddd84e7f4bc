namespace InotifyGen;

/// <summary>
/// What the tree bookkeeping may see of the reader: the events after the one it is processing, and a way to read
/// more or wait for more. It is the pipeline's one upstream edge, which inotify forces: the two halves of a move are
/// two events, and whether a directory is still where an event says can only be known from the events after it.
/// </summary>
internal interface ILookAhead
{
    /// <summary>The events read but not taken yet, as raw records. Valid until the next read.</summary>
    ReadOnlySpan<byte> Unprocessed { get; }

    /// <summary>The stream position (bytes since the start) of the end of the event being processed.</summary>
    long Position { get; }

    /// <summary>The stream position of the end of <see cref="Unprocessed"/>.</summary>
    long End { get; }

    /// <summary>Whether the notifier is stopping: no more reading or waiting is worth doing.</summary>
    bool IsStopping { get; }

    /// <summary>Reads whatever the kernel holds now, ignoring any threshold. True if anything was read.</summary>
    bool ReadMore();

    /// <summary>
    /// Like <see cref="ReadMore()"/>, but drops from what it reads the events for which <paramref name="drop"/> is
    /// true: the overflow rescan's own directory reads.
    /// </summary>
    bool ReadMore(Func<EventMask, bool> drop);

    /// <summary>How many bytes of events the kernel holds that are not read yet.</summary>
    int KernelPending();

    /// <summary>Waits up to <paramref name="timeout"/> for events to read; false on timeout or stop.</summary>
    bool WaitFor(TimeSpan timeout);
}

/// <summary>
/// The reader: owns the read buffer, the reads, the wait and the wake-up. The loop takes events from it one at a
/// time in kernel order; the tree bookkeeping sees the rest through <see cref="ILookAhead"/>.
/// </summary>
internal sealed class EventQueue : ILookAhead, IDisposable
{
    /// <summary>The room a read makes first: the initial buffer size, so a steady stream never grows it.</summary>
    private const int ReadChunk = 64 * 1024;

    private readonly IEventSource _source;
    private byte[] _buffer = new byte[ReadChunk];
    private int _head, _tail;       // unprocessed events are _buffer[_head.._tail]
    private long _readTotal;        // bytes read since creation: positions in the event stream
    private bool _dispatching;
    private volatile bool _stopping;

    public EventQueue(IEventSource source) => _source = source;

    /// <summary>Test seam: the most bytes one read() asks for (at least <see cref="RawEventReader.MinBuffer"/>), to split event pairs across reads.</summary>
    public int ReadLimit { get; set; } = int.MaxValue;

    public bool IsStopping => _stopping;

    /// <summary>Whether no event is waiting to be taken.</summary>
    public bool IsEmpty => _head == _tail;

    public ReadOnlySpan<byte> Unprocessed => _buffer.AsSpan(_head, _tail - _head);

    public long Position => _readTotal - (_tail - _head);

    public long End => _readTotal;

    /// <summary>Makes every wait return at once, now and later, and every read a no-op. From any thread or a signal handler.</summary>
    public void RequestStop()
    {
        _stopping = true;
        _source.Wake();
    }

    /// <summary>Waits until events can be read, up to <paramref name="timeout"/> (null: no limit); false on timeout or stop.</summary>
    public bool WaitForEvents(TimeSpan? timeout) => !_stopping && _source.Wait(timeout, forEvents: true) && !_stopping;

    public bool WaitFor(TimeSpan timeout) => WaitForEvents(timeout);

    /// <summary>Sleeps up to <paramref name="time"/>, returning early on stop.</summary>
    public void Pause(TimeSpan time)
    {
        if (time > TimeSpan.Zero && !_stopping)
            _source.Wait(time, forEvents: false);
    }

    /// <summary>
    /// Reads what the kernel holds, unless a <paramref name="threshold"/> is given and fewer bytes are queued; then
    /// returns how many are. Returns -1 when it read (or was stopped). Never blocks.
    /// </summary>
    public int Fill(int threshold)
    {
        if (_stopping)
            return -1;
        // FIONREAD walks the kernel's whole event list under its lock, which costs as much as reading it:
        // ask only when there is a threshold to check.
        var available = 0;
        if (threshold > 0)
        {
            available = _source.Pending();
            if (available < threshold)
                return available;
        }
        // Without FIONREAD, read until a read leaves room for one more event: then the kernel had no more.
        var want = Math.Max(available, ReadChunk);
        while (ReadOnce(want) && ReadLimit == int.MaxValue)
            want = _buffer.Length; // the read filled the room: double it and read on
        return -1;
    }

    public bool ReadMore()
    {
        var available = KernelPending();
        if (available <= 0)
            return false;
        var before = _readTotal;
        // A read may return less than was queued (a small ReadLimit, a short read): what was pending when asked is
        // read in full, or a look-ahead would miss an event that was already queued.
        var target = before + available;
        for (var last = -1L; _readTotal < target && _readTotal != last && !_stopping;)
        {
            last = _readTotal;
            ReadOnce((int)(target - _readTotal));
        }
        return _readTotal != before;
    }

    public bool ReadMore(Func<EventMask, bool> drop)
    {
        var start = _tail;
        if (!ReadMore())
            return false;
        var write = start;
        var read = start;
        while (read < _tail)
        {
            var next = read;
            if (!RawEventReader.TryRead(_buffer.AsSpan(0, _tail), ref next, out _, out var mask, out _, out _))
                break;
            if (!drop(mask))
            {
                if (write != read)
                    Buffer.BlockCopy(_buffer, read, _buffer, write, next - read);
                write += next - read;
            }
            read = next;
        }
        _tail = write; // _readTotal keeps counting the dropped bytes: positions stay monotonic, which is all they are for
        return true;
    }

    public int KernelPending() => _stopping ? 0 : _source.Pending();

    /// <summary>Starts a batch: until <see cref="EndBatch"/>, the bytes of taken events are never moved (handlers hold spans of them).</summary>
    public void BeginBatch() => _dispatching = true;

    public void EndBatch()
    {
        _dispatching = false;
        if (_head == _tail)
            _head = _tail = 0;
    }

    /// <summary>Takes the next event. Its name is a slice of the buffer, valid until the batch ends.</summary>
    public bool TryTake(out int wd, out EventMask mask, out uint cookie, out ReadOnlySpan<byte> name)
    {
        var offset = _head;
        if (!RawEventReader.TryRead(_buffer.AsSpan(0, _tail), ref offset, out wd, out mask, out cookie, out name))
            return false;
        _head = offset; // taken before dispatch: a throwing handler does not see its event twice
        return true;
    }

    /// <summary>One read. True when it filled the room, so that more events may be waiting.</summary>
    private bool ReadOnce(int available)
    {
        if (_stopping)
            return false;
        MakeRoom(Math.Max(available, RawEventReader.MinBuffer));
        var room = Math.Min(_buffer.Length - _tail, ReadLimit);
        var n = _source.Read(_buffer.AsSpan(_tail, room));
        _tail += n;
        _readTotal += n;
        return n > 0 && room - n < RawEventReader.MinBuffer;
    }

    private void MakeRoom(int bytes)
    {
        if (_buffer.Length - _tail >= bytes)
            return;
        var live = _tail - _head;
        // Compacting in place would move bytes under a span a handler may still hold; grow into a new array instead.
        var target = !_dispatching && live + bytes <= _buffer.Length ? _buffer : new byte[Math.Max(_buffer.Length * 2, live + bytes)];
        Buffer.BlockCopy(_buffer, _head, target, 0, live);
        _buffer = target;
        _head = 0;
        _tail = live;
    }

    public void Dispose()
    {
        _stopping = true;
        _source.Dispose();
    }
}
