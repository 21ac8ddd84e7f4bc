using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using InotifyGen.Analyzers.Diagnostics;
using InotifyGen.Roslyn;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace InotifyGen.Analyzers;

/// <summary>
/// IGEN008 and IGEN010: <c>AddWatch(path, mask, handler: new H())</c> with a constant mask that leaves out every
/// event H handles, or the events some of H's methods handle.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AddWatchAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Reported whatever the mask: the kernel sends these to every watch.</summary>
    private const EventMask AlwaysDelivered = EventMask.Unmount | EventMask.Ignored;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.MaskExcludesEveryHandledEvent, DiagnosticDescriptors.MaskExcludesSomeHandledEvents);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Calls are found by name in syntax and bound only then: an operation action would build the operation
            // tree of every method body in the compilation.
            if (start.Compilation.GetTypeByMetadataName(HandlerMethods.ProcessEventMetadataName) is not null)
                start.RegisterSyntaxNodeAction(AnalyzeCall, SyntaxKind.InvocationExpression);
        });
    }

    private static void AnalyzeCall(SyntaxNodeAnalysisContext context)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (!WatchCalls.MayBeWatchCall(invocation)
            || context.SemanticModel.GetOperation(invocation, context.CancellationToken) is not IInvocationOperation call
            || !WatchCalls.IsWatchCall(call.TargetMethod))
            return;
        var maskArgument = WatchCalls.Argument(call, WatchCalls.MaskParameter);
        var handlerArgument = WatchCalls.Argument(call, WatchCalls.HandlerParameter);
        if (maskArgument is null || maskArgument.ArgumentKind == ArgumentKind.DefaultValue || handlerArgument is null)
            return;
        var maskValue = WatchCalls.Unwrap(maskArgument.Value).ConstantValue;
        if (!maskValue.HasValue || maskValue.Value is null)
            return;
        var mask = (EventMask)System.Convert.ToUInt32(maskValue.Value, CultureInfo.InvariantCulture);
        // A mask without events means "what the handler handles" (WatchManager.ResolveMask).
        if ((mask & EventTable.AllDispatchable) == 0)
            return;
        if (WatchCalls.Unwrap(handlerArgument.Value) is not IObjectCreationOperation { Type: INamedTypeSymbol handlerType })
            return;
        var dispatch = DispatchPlan.For(handlerType, context.Compilation, context.CancellationToken);
        // A class that dispatches by hand: which method gets which event is its own business.
        if (dispatch is null || dispatch.HasHandWrittenLevel)
            return;
        // IN_Q_OVERFLOW never reaches a per-watch handler (IGEN009 says so); it is no reason to watch anything.
        var handled = dispatch.Handled & ~EventMask.QueueOverflow;
        if (handled == EventMask.None)
            return;

        // Only the mask's events reach the handler: the IN_CREATE that autoAdd asks the kernel for is the
        // notifier's own and is not passed on unless the mask has it too.
        var delivered = (mask & EventMask.AllEvents) | AlwaysDelivered;

        var location = maskArgument.Value.Syntax.GetLocation();
        if ((handled & delivered) == EventMask.None)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MaskExcludesEveryHandledEvent, location,
                Describe.Mask(mask), handlerType.Name, Describe.Events(handled)));
            return;
        }
        var deadEvents = EventMask.None;
        var deadMethods = new List<string>();
        foreach (var evt in HandlerMethods.DispatchableEvents)
        {
            // Walk methods in kernel order of their first event, so the message reads in a stable order.
            foreach (var pair in dispatch.Received)
            {
                var events = pair.Value & ~EventMask.QueueOverflow;
                if ((events & evt) == 0 || (events & (evt - 1)) != 0 || (events & delivered) != 0)
                    continue;
                deadEvents |= events;
                deadMethods.Add("'" + pair.Key.Name + "'");
            }
        }
        // A compiled base handler's methods are known only by the events its summary gives them all together:
        // they count as one method, dead when none of those events is delivered.
        var inBase = dispatch.ReceivedBySummary & ~EventMask.QueueOverflow;
        if (inBase != EventMask.None && (inBase & delivered) == EventMask.None && dispatch.SummaryType is { } compiledBase)
        {
            deadEvents |= inBase;
            deadMethods.Add("the methods of its compiled base '" + compiledBase.Name + "'");
        }
        if (deadMethods.Count > 0)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MaskExcludesSomeHandledEvents, location,
                Describe.Mask(mask), Describe.Events(deadEvents), handlerType.Name,
                Describe.JoinAnd(deadMethods)));
    }
}
