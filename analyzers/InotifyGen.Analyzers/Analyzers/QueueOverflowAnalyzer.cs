using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using InotifyGen.Analyzers.Diagnostics;
using InotifyGen.Roslyn;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace InotifyGen.Analyzers;

/// <summary>
/// IGEN009: a handler of IN_Q_OVERFLOW whose instances, everywhere in the compilation, are created straight into
/// AddWatch's (or UpdateWatch's) handler argument. Overflow events belong to no watch, so it never sees one.
/// Any other use of an instance (a variable, a notifier's default handler, a chain) keeps it silent.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class QueueOverflowAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.OverflowHandlerOnlyPerWatch);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(HandlerMethods.ProcessEventMetadataName) is null)
                return;
            var state = new State();
            start.RegisterSymbolAction(state.CollectOverflowHandler, SymbolKind.NamedType);
            // Creations are bound from syntax, and only a watch call's argument as an operation: an operation action
            // would build the operation tree of every method body in the compilation.
            start.RegisterSyntaxNodeAction(state.CollectCreation, SyntaxKind.ObjectCreationExpression, SyntaxKind.ImplicitObjectCreationExpression);
            start.RegisterCompilationEndAction(state.Report);
        });
    }

    private sealed class State
    {
        /// <summary>Each class that declares a method called for IN_Q_OVERFLOW, with that method.</summary>
        private readonly ConcurrentDictionary<INamedTypeSymbol, IMethodSymbol> _overflowHandlers = new(SymbolEqualityComparer.Default);
        /// <summary>Each created handler type: true while every creation went straight to a watch's handler argument.</summary>
        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _onlyPerWatch = new(SymbolEqualityComparer.Default);

        public void CollectOverflowHandler(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!HandlerSyntax.DeclaresCandidateMethod(type, context.CancellationToken) || !HandlerMethods.DerivesFromProcessEvent(type))
                return;
            foreach (var h in HandlerMethods.HandlersDeclaredIn(type))
            {
                if (h.HasAllowedSignature && h.RankOf(EventMask.QueueOverflow) == HandlerMethods.SpecialisedRank)
                {
                    _overflowHandlers.TryAdd(type, h.Method);
                    return;
                }
            }
        }

        public void CollectCreation(SyntaxNodeAnalysisContext context)
        {
            var ct = context.CancellationToken;
            if (context.SemanticModel.GetTypeInfo(context.Node, ct).Type is not INamedTypeSymbol type || !HandlerMethods.DerivesFromProcessEvent(type))
                return;
            var perWatch = IsWatchHandlerArgument(context.Node, context.SemanticModel, ct);
            _onlyPerWatch.AddOrUpdate(type, perWatch, (_, before) => before && perWatch);
        }

        /// <summary>True when the creation, maybe parenthesised or cast, is the handler argument of AddWatch or UpdateWatch.</summary>
        private static bool IsWatchHandlerArgument(SyntaxNode creation, SemanticModel model, CancellationToken ct)
        {
            var parent = creation.Parent;
            while (parent is ParenthesizedExpressionSyntax or CastExpressionSyntax)
                parent = parent.Parent;
            return parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } } argument
                && WatchCalls.MayBeWatchCall(invocation)
                && model.GetOperation(argument, ct) is IArgumentOperation { Parameter.Name: WatchCalls.HandlerParameter, Parent: IInvocationOperation call }
                && WatchCalls.IsWatchCall(call.TargetMethod);
        }

        public void Report(CompilationAnalysisContext context)
        {
            foreach (var pair in _overflowHandlers)
            {
                var declaring = pair.Key;
                var created = new List<INamedTypeSymbol>();
                var onlyPerWatch = true;
                foreach (var use in _onlyPerWatch)
                {
                    if (!InheritsFrom(use.Key, declaring))
                        continue;
                    created.Add(use.Key);
                    onlyPerWatch &= use.Value;
                }
                // Never created here (a library's handler, say): nothing is known about how it is used.
                if (created.Count == 0 || !onlyPerWatch)
                    continue;
                var method = pair.Value;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OverflowHandlerOnlyPerWatch,
                    method.Locations[0], method.Name, declaring.Name));
            }
        }

        private static bool InheritsFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
        {
            for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType))
                    return true;
            return false;
        }
    }
}
