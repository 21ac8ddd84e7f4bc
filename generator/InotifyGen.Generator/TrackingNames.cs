namespace InotifyGen.Generator;

/// <summary>Names of the pipeline steps, so that tests can check how each one was cached.</summary>
internal static class TrackingNames
{
    /// <summary>Every partial class, parsed into a model (null when it is not a handler).</summary>
    public const string HandlerClasses = nameof(HandlerClasses);

    /// <summary>The handler class models that will be emitted.</summary>
    public const string Handlers = nameof(Handlers);
}
