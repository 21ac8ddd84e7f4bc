// This file is the single source of the inotify event values. It is compiled (common/Common.props) into the runtime
// (public) and linked into the generator and analyzers (internal), so they can never disagree.
using System;

namespace InotifyGen;

/// <summary>
/// inotify event and flag bits, as in <c>&lt;sys/inotify.h&gt;</c> and pyinotify's <c>EventsCodes</c>.
/// The <c>IN_*</c> spellings are in <see cref="EventsCodes"/>.
/// </summary>
[Flags]
#if INOTIFYGEN_ROSLYN
internal
#else
public
#endif
enum EventMask : uint
{
    /// <summary>No event.</summary>
    None = 0,
    /// <summary>IN_ACCESS: a file was read.</summary>
    Access = 0x00000001,
    /// <summary>IN_MODIFY: a file was written.</summary>
    Modify = 0x00000002,
    /// <summary>IN_ATTRIB: metadata changed (permissions, timestamps, links, owner).</summary>
    Attrib = 0x00000004,
    /// <summary>IN_CLOSE_WRITE: a file opened for writing was closed.</summary>
    CloseWrite = 0x00000008,
    /// <summary>IN_CLOSE_NOWRITE: a file or directory not opened for writing was closed.</summary>
    CloseNoWrite = 0x00000010,
    /// <summary>IN_OPEN: a file or directory was opened.</summary>
    Open = 0x00000020,
    /// <summary>IN_MOVED_FROM: an entry was renamed out of a watched directory.</summary>
    MovedFrom = 0x00000040,
    /// <summary>IN_MOVED_TO: an entry was renamed into a watched directory.</summary>
    MovedTo = 0x00000080,
    /// <summary>IN_CREATE: an entry was created in a watched directory.</summary>
    Create = 0x00000100,
    /// <summary>IN_DELETE: an entry was deleted from a watched directory.</summary>
    Delete = 0x00000200,
    /// <summary>IN_DELETE_SELF: the watched file or directory itself was deleted.</summary>
    DeleteSelf = 0x00000400,
    /// <summary>IN_MOVE_SELF: the watched file or directory itself was moved.</summary>
    MoveSelf = 0x00000800,
    /// <summary>
    /// IN_FILE_COMPLETE, InotifyGen's own event (not the kernel's; never asked of it, not in <see cref="AllEvents"/>):
    /// a regular file is complete, once per arrival: closed after writing in place, or arrived by rename (moved in,
    /// or renamed from a temporary name) not open for writing, or found closed by the listing of a new directory.
    /// </summary>
    FileComplete = 0x00001000,
    /// <summary>IN_UNMOUNT: the file system holding the watched item was unmounted.</summary>
    Unmount = 0x00002000,
    /// <summary>IN_Q_OVERFLOW: the kernel's event queue overflowed and events were lost.</summary>
    QueueOverflow = 0x00004000,
    /// <summary>IN_IGNORED: the watch was removed (explicitly, or because its item is gone).</summary>
    Ignored = 0x00008000,
    /// <summary>IN_ONLYDIR: only watch the path if it is a directory (a watch option).</summary>
    OnlyDir = 0x01000000,
    /// <summary>IN_DONT_FOLLOW: do not follow a symbolic link (a watch option).</summary>
    DontFollow = 0x02000000,
    /// <summary>IN_EXCL_UNLINK: no events for children after they are unlinked (a watch option).</summary>
    ExclUnlink = 0x04000000,
    /// <summary>IN_MASK_ADD: add to the existing watch mask instead of replacing it (a watch option).</summary>
    MaskAdd = 0x20000000,
    /// <summary>IN_ISDIR: the subject of the event is a directory (piggybacked on an event).</summary>
    IsDir = 0x40000000,
    /// <summary>IN_ONESHOT: report one event, then remove the watch (a watch option).</summary>
    OneShot = 0x80000000,

    /// <summary>IN_CLOSE_WRITE | IN_CLOSE_NOWRITE (a convenience mask, as in inotify-tools).</summary>
    Close = CloseWrite | CloseNoWrite,
    /// <summary>IN_MOVED_FROM | IN_MOVED_TO (a convenience mask, as in inotify-tools).</summary>
    Move = MovedFrom | MovedTo,
    /// <summary>ALL_EVENTS: every event a watch can ask for (0xfff).</summary>
    AllEvents = 0x00000fff,
}
