// pyinotify's API reference, "Subclassing ProcessEvent": my_init becomes the constructor, process_IN_DELETE is a
// specialised method, process_IN_CLOSE the family method for both closes, process_default takes everything else.
// The handler is given to one watch (add_watch's proc_fun); the notifier's default handler prints the events of
// every other watch.
//   dotnet run --project samples/Subclassing -- DIR [OTHER_DIR] [OUTPUT_FILE]
using InotifyGen;

var path = args.Length > 0 ? args[0] : "/tmp";
var other = args.Length > 1 ? args[1] : null;
using var file = args.Length > 2 ? new StreamWriter(args[2]) { AutoFlush = true } : null;
TextWriter output = file ?? Console.Out;

// pyinotify: p = MyProcessing(file('/tmp/output', 'w'))
var p = new MyProcessing(output);
using var wm = new WatchManager();
using var notifier = new Notifier(wm, new PrintAllEvents());
wm.AddWatch(path, EventMask.AllEvents, handler: p, quiet: false);   // this watch's own handler
if (other is not null)
    wm.AddWatch(other, EventMask.AllEvents, quiet: false);          // the notifier's default handler
Console.Error.WriteLine($"Watching {path} with MyProcessing" + (other is null ? "" : $" and {other} with PrintAllEvents") + " (Ctrl-C to stop)");
notifier.Loop();

/// <summary>The API reference's MyProcessing.</summary>
public sealed partial class MyProcessing : ProcessEvent
{
    private readonly TextWriter _fileObject;

    /// <summary>pyinotify's <c>my_init(self, file_object=sys.stdout)</c>.</summary>
    public MyProcessing(TextWriter? fileObject = null) => _fileObject = fileObject ?? Console.Out;

    /// <summary>A specific kind of event: IN_DELETE (and, as its family, IN_DELETE_SELF).</summary>
    void process_IN_DELETE(InotifyEvent e) => _fileObject.Write($"deleting: {e.PathName}\n");

    /// <summary>Called for IN_CLOSE_WRITE and IN_CLOSE_NOWRITE.</summary>
    void process_IN_CLOSE(InotifyEvent e) => _fileObject.Write($"closing: {e.PathName}\n");

    /// <summary>Ultimately called for every other kind of event.</summary>
    void process_default(InotifyEvent e) => _fileObject.Write("default processing\n");
}
