using Microsoft.CodeAnalysis;

namespace InotifyGen.Analyzers.Diagnostics;

/// <summary>
/// Every InotifyGen diagnostic. Each rule is explained, with a bad and a good example, in docs/diagnostics.md;
/// each help link points at its anchor there. New rules go in AnalyzerReleases.Unshipped.md too.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string HandlerNameMatchesNoEventId = "IGEN001";
    public const string HandlerNameIsNotAnEventId = "IGEN002";
    public const string HandlerTypeNotPartialId = "IGEN003";
    public const string InvalidHandlerSignatureId = "IGEN004";
    public const string EventHandledTwiceId = "IGEN005";
    public const string SpecialisedHidesFamilyId = "IGEN006";
    public const string HandlerOutsideProcessEventId = "IGEN007";
    public const string MaskExcludesEveryHandledEventId = "IGEN008";
    public const string OverflowHandlerOnlyPerWatchId = "IGEN009";
    public const string MaskExcludesSomeHandledEventsId = "IGEN010";
    public const string OnAttributeIncludesFlagsId = "IGEN011";
    public const string OnAttributeNamesNoEventId = "IGEN012";
    public const string HandlerAttributeOnLocalFunctionId = "IGEN013";
    public const string HandlerTypeFileLocalId = "IGEN014";
    public const string ContainingTypeNotPartialId = "IGEN015";

    /// <summary>The property of an IGEN001 diagnostic that holds the suggested name, for the rename fix.</summary>
    public const string SuggestedNameProperty = "SuggestedName";

    private const string DocsUri = "https://github.com/InotifyGen/InotifyGen/blob/main/docs/diagnostics.md";
    private const string Naming = "InotifyGen.Naming";
    private const string Handlers = "InotifyGen.Handlers";
    private const string Usage = "InotifyGen.Usage";

    public static readonly DiagnosticDescriptor HandlerNameMatchesNoEvent = Create(
        HandlerNameMatchesNoEventId, Naming, DiagnosticSeverity.Warning,
        "Handler name matches no event",
        "'{0}' matches no inotify event, so it is never called; did you mean '{1}'?",
        "A method named process_* in a ProcessEvent class is a handler only when its name is process_ followed by an event name (process_IN_CREATE), a family name (process_IN_CLOSE, process_IN_MOVED, process_IN_MOVE) or default. Names are case-sensitive, as in pyinotify.");

    public static readonly DiagnosticDescriptor HandlerNameIsNotAnEvent = Create(
        HandlerNameIsNotAnEventId, Naming, DiagnosticSeverity.Warning,
        "Handler name is a flag, not an event",
        "'{0}' is never called: {1}",
        "Some IN_* names are flags rather than events: options for AddWatch, a bit piggybacked onto events, or a mask of many events. The kernel never reports them on their own, so a handler named after one never runs.");

    public static readonly DiagnosticDescriptor HandlerTypeNotPartial = Create(
        HandlerTypeNotPartialId, Handlers, DiagnosticSeverity.Error,
        "Handler class is not partial",
        "'{0}' must be partial so the generator can add the event dispatch of '{1}'; as it is, no handler method of '{1}' is ever called",
        "The source generator adds the dispatch switch to the handler class itself, in another part of it, so the class must be declared partial.");

    public static readonly DiagnosticDescriptor InvalidHandlerSignature = Create(
        InvalidHandlerSignatureId, Handlers, DiagnosticSeverity.Warning,
        "Handler method has a signature the generator cannot call",
        "'{0}' is never called because {1}; a handler returns void or bool, takes one InotifyEvent parameter (by value or 'in') and is neither static nor generic",
        "The generated dispatch calls each handler with the event and, for a bool handler, stops the chain when it returns true. A method it cannot call that way is skipped.");

    public static readonly DiagnosticDescriptor EventHandledTwice = Create(
        EventHandledTwiceId, Handlers, DiagnosticSeverity.Warning,
        "Event handled twice at the same rank",
        "'{0}' is never called for {1}, because '{2}' handles the same at the same rank and is declared first",
        "When two methods of a class handle the same event at the same rank (two [OnCreate] methods, or [OnCreate] and process_IN_CREATE), the dispatch calls only the one declared first.");

    public static readonly DiagnosticDescriptor SpecialisedHidesFamily = Create(
        SpecialisedHidesFamilyId, Handlers, DiagnosticSeverity.Info,
        "Specialised handler hides its family handler",
        "'{0}' receives {1}, so the family handler '{2}' never does",
        "As in pyinotify, the specialised method (process_IN_CLOSE_WRITE) is looked up before the family method (process_IN_CLOSE), so the family method no longer sees that event.");

    public static readonly DiagnosticDescriptor HandlerOutsideProcessEvent = Create(
        HandlerOutsideProcessEventId, Handlers, DiagnosticSeverity.Warning,
        "Handler methods in a class that does not derive from ProcessEvent",
        "'{0}' has handler methods ({1}) but does not derive from InotifyGen.ProcessEvent, so they are never called",
        "Only classes deriving from InotifyGen.ProcessEvent get a generated dispatch; handler names and [On...] attributes anywhere else have no effect.");

    public static readonly DiagnosticDescriptor MaskExcludesEveryHandledEvent = Create(
        MaskExcludesEveryHandledEventId, Usage, DiagnosticSeverity.Warning,
        "Watch mask excludes every event the handler handles",
        "The mask {0} excludes every event '{1}' handles ({2}), so nothing is ever dispatched to it from this watch",
        "AddWatch asks the kernel only for the events in its mask. When that mask shares no event with the handler's methods, the handler never runs for the watch. Leave the mask out to ask for exactly the events the handler handles.");

    public static readonly DiagnosticDescriptor OverflowHandlerOnlyPerWatch = Create(
        OverflowHandlerOnlyPerWatchId, Handlers, DiagnosticSeverity.Warning,
        "Queue overflow handler on a per-watch handler",
        "'{0}' handles IN_Q_OVERFLOW, but '{1}' is only ever passed to AddWatch as a per-watch handler; overflow events belong to no watch and only reach the notifier's default handler",
        "IN_Q_OVERFLOW is reported with wd -1, for no watch, so the notifier gives it to its default handler only. A handler used only as AddWatch's handler argument never sees it.",
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor MaskExcludesSomeHandledEvents = Create(
        MaskExcludesSomeHandledEventsId, Usage, DiagnosticSeverity.Info,
        "Watch mask excludes events the handler handles",
        "The mask {0} excludes {1}, which '{2}' handles with {3}; that code never runs for this watch",
        "AddWatch asks the kernel only for the events in its mask, so handler methods for events outside it never run for the watch.");

    public static readonly DiagnosticDescriptor OnAttributeIncludesFlags = Create(
        OnAttributeIncludesFlagsId, Handlers, DiagnosticSeverity.Warning,
        "Handler attribute includes a flag that is not an event",
        "[On] on '{0}' includes {1}, which is never dispatched: {2}",
        "[On(mask)] makes a method the handler of each event in the mask. Flags in it (IN_ISDIR, the AddWatch options) are never reported on their own, so they add nothing.");

    public static readonly DiagnosticDescriptor OnAttributeNamesNoEvent = Create(
        OnAttributeNamesNoEventId, Handlers, DiagnosticSeverity.Warning,
        "Handler attribute names no event",
        "[On] on '{0}' has an empty mask, so it makes '{0}' the handler of no event",
        "[On(mask)] makes a method the handler of each event in the mask. With EventMask.None (or 0) it names none, so the dispatch never calls the method for it.");

    public static readonly DiagnosticDescriptor HandlerAttributeOnLocalFunction = Create(
        HandlerAttributeOnLocalFunctionId, Handlers, DiagnosticSeverity.Warning,
        "Handler attribute on a local function or lambda",
        "[{0}] on {1} is never called: only methods of a ProcessEvent class are handlers",
        "The generated dispatch calls methods of the handler class. A local function or lambda is not one of them, whatever its attributes, so it never receives an event.");

    public static readonly DiagnosticDescriptor HandlerTypeFileLocal = Create(
        HandlerTypeFileLocalId, Handlers, DiagnosticSeverity.Error,
        "Handler class is file-local",
        "'{0}' is file-local, so the generator cannot add its event dispatch and no handler method of it is ever called; declare it without 'file' (internal, or nested and private)",
        "The source generator adds the dispatch in a file of its own, and no other file can add to a file-local type (or to a type inside one).");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
        ContainingTypeNotPartialId, Handlers, DiagnosticSeverity.Error,
        "Type containing a handler class is not partial",
        "'{0}' is nested in {1}, which must be partial so the generator can add its event dispatch; as it is, no handler method of '{0}' is ever called",
        "The source generator adds the dispatch to a nested handler class by reopening every type that contains it, so each of them must be declared partial too.");

    private static DiagnosticDescriptor Create(string id, string category, DiagnosticSeverity severity,
        string title, string message, string description, params string[] tags) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description,
            helpLinkUri: DocsUri + "#" + id.ToLowerInvariant(), customTags: tags);
}
