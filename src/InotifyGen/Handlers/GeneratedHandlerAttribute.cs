using System.ComponentModel;

namespace InotifyGen;

/// <summary>
/// Written by the source generator on every handler class it compiles: the events the class (with its bases)
/// handles at each lookup rank. A handler deriving from it in another assembly cannot see its private handler
/// methods, so the generator reads this instead, and pyinotify's lookup order still holds across assemblies.
/// Not for use in code.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedHandlerAttribute : Attribute
{
    /// <summary>Records the events handled at each rank.</summary>
    public GeneratedHandlerAttribute(EventMask specialised, EventMask family, EventMask @default)
    {
        Specialised = specialised;
        Family = family;
        Default = @default;
    }

    /// <summary>Events whose handler is a specialised method (<c>process_IN_CREATE</c>, <c>[OnCreate]</c>, <c>[On(mask)]</c>).</summary>
    public EventMask Specialised { get; }

    /// <summary>Events whose handler is a family method (<c>process_IN_CLOSE</c>, <c>process_IN_MOVED</c>, ...).</summary>
    public EventMask Family { get; }

    /// <summary>Events whose handler is a default method (<c>process_default</c>, <c>[OnDefault]</c>).</summary>
    public EventMask Default { get; }
}
