namespace InotifyGen.Generator.Models;

/// <summary>
/// Everything the emitter needs to write one handler class's dispatch. Plain values only (no symbols, syntax or
/// locations), so that equal inputs give equal models and the pipeline can skip regeneration.
/// </summary>
/// <param name="HintName">A file name unique to the type, nesting and arity included.</param>
/// <param name="Namespace">The namespace, keyword-escaped; empty for the global namespace.</param>
/// <param name="Types">The type declarations to reopen, outermost first; the last one is the handler class.</param>
/// <param name="Cases">The switch sections, in kernel event order.</param>
/// <param name="HandledEvents">The union of the events handled (<c>EventMask</c> bits).</param>
/// <param name="IncludeBaseHandledEvents">True when the base class is a handler too, so its events count.</param>
/// <param name="Specialised">The events whose winner is a specialised method, for <c>[GeneratedHandler]</c>.</param>
/// <param name="Family">The events whose winner is a family method.</param>
/// <param name="Default">The events whose winner is a default method.</param>
internal sealed record HandlerClassModel(
    string HintName,
    string Namespace,
    EquatableArray<TypeDeclarationModel> Types,
    EquatableArray<DispatchCase> Cases,
    uint HandledEvents,
    bool IncludeBaseHandledEvents,
    uint Specialised,
    uint Family,
    uint Default);

/// <summary>One type declaration to reopen: <c>partial class Outer</c>, <c>partial record struct R</c>, <c>partial class Handler&lt;T&gt;</c>.</summary>
/// <param name="Keyword">class, struct, record, record struct or interface.</param>
/// <param name="Name">The escaped name with its type parameter list, e.g. <c>Handler&lt;T&gt;</c>.</param>
internal sealed record TypeDeclarationModel(string Keyword, string Name);

/// <summary>One switch section: the events (EventMask member names) that go to one target.</summary>
internal sealed record DispatchCase(EquatableArray<string> Events, DispatchTarget Target);

/// <summary>
/// Where a group of events goes: a call to <see cref="MethodName"/>, or, when it is null, the base class's
/// dispatch (which picks the same inherited method, and reaches methods this class cannot see).
/// </summary>
/// <param name="MethodName">The escaped method to call, or null for <c>base.DispatchEvent</c>.</param>
/// <param name="ReturnsBool">The method returns bool: its result stops a chain, so it is returned.</param>
/// <param name="TakesIn">The parameter is <c>in</c>, so the call passes <c>in e</c>.</param>
/// <param name="Comment">What the case means, for a reader of the generated code (e.g. the inherited method it reaches).</param>
internal sealed record DispatchTarget(string? MethodName, bool ReturnsBool, bool TakesIn, string? Comment);

/// <summary>What parsing one class gave: its model, or (never both) the failure the generator reports instead of throwing.</summary>
/// <param name="Model">The dispatch to emit.</param>
/// <param name="TypeName">The class the failure is about.</param>
/// <param name="Failure">The exception, as type and message.</param>
internal sealed record ParseResult(HandlerClassModel? Model, string? TypeName, string? Failure);
