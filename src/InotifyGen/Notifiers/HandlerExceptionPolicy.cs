namespace InotifyGen;

/// <summary>What a notifier does when a handler throws.</summary>
public enum HandlerExceptionPolicy
{
    /// <summary>The exception leaves ProcessEvents (and Loop), as in pyinotify. Events not yet dispatched stay queued.</summary>
    Propagate,
    /// <summary>The exception is logged (and raised as <see cref="Notifier.HandlerFailed"/>), and processing goes on.</summary>
    LogAndContinue,
}
