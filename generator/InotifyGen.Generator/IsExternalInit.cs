// netstandard2.0 lacks the marker type that init accessors (and so records) need.
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit;
