using Microsoft.Win32.SafeHandles;

namespace InotifyGen.Interop;

/// <summary>Owns one file descriptor and closes it exactly once, even when Dispose races a blocked call.</summary>
internal sealed class FileDescriptorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public FileDescriptorHandle(int fd) : base(ownsHandle: true) => SetHandle(fd);

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
