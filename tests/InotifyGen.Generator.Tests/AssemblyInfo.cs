// inotify exists only on Linux, and so do these tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
