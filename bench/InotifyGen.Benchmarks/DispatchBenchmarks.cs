using System.Reflection;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace InotifyGen.Benchmarks;

/// <summary>
/// Dispatch of one event to its handler method, four ways: the generated switch, virtual methods picked by a
/// switch in the framework, a <c>Dictionary&lt;EventMask, delegate&gt;</c>, and pyinotify's way (build the name
/// <c>process_IN_X</c> from the mask and look the method up by reflection). Each handler counts the event.
/// The events are the workload's cycle: IN_CREATE, IN_MODIFY, IN_CLOSE_WRITE, IN_DELETE. As in the notifier, the
/// framework's per-event call is a method of its own (not inlined into the loop) that sees the handler through its
/// base type, so no variant gets the whole dispatch folded into the benchmark loop.
/// </summary>
public class DispatchBenchmarks
{
    private const int N = 1024;
    private readonly EventMask[] _masks = new EventMask[N];
    private readonly OwnedInotifyEvent[] _owned = new OwnedInotifyEvent[N];
    private readonly byte[] _name = "file000001.txt"u8.ToArray();
    private readonly GeneratedHandler _generated = new();
    private readonly CountingVirtualHandler _virtual = new();
    private readonly Dictionary<EventMask, EventAction> _table = new();
    private readonly ReflectionHandler _reflection = new();
    private long _tableCount;

    /// <summary>A handler that takes the event by reference, as a dictionary value.</summary>
    public delegate void EventAction(in InotifyEvent e);

    /// <summary>Builds the events and the dictionary.</summary>
    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < N; i++)
        {
            _masks[i] = EventBuffers.Cycle[i % EventBuffers.Cycle.Length];
            _owned[i] = new InotifyEvent(1, _masks[i], 0, _name, null).ToOwned();
        }
        foreach (var m in EventBuffers.Cycle)
            _table[m] = (in InotifyEvent _) => _tableCount++;
    }

    /// <summary>The generated <c>DispatchEvent</c> switch, reached through <see cref="ProcessEvent.Invoke"/>.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "Generated switch")]
    public long Generated()
    {
        ProcessEvent h = _generated;
        for (var i = 0; i < N; i++)
        {
            var e = new InotifyEvent(1, _masks[i], 0, _name, null);
            Framework.Dispatch(h, in e);
        }
        return _generated.Count;
    }

    /// <summary>A framework switch on the mask calling one virtual method per event type.</summary>
    [Benchmark(OperationsPerInvoke = N, Description = "Virtual methods")]
    public long Virtual()
    {
        VirtualHandler h = _virtual;
        for (var i = 0; i < N; i++)
        {
            var e = new InotifyEvent(1, _masks[i], 0, _name, null);
            Framework.Dispatch(h, in e);
        }
        return _virtual.Count;
    }

    /// <summary>A dictionary from event type to delegate.</summary>
    [Benchmark(OperationsPerInvoke = N, Description = "Dictionary<EventMask, delegate>")]
    public long Dictionary()
    {
        for (var i = 0; i < N; i++)
        {
            var e = new InotifyEvent(1, _masks[i], 0, _name, null);
            Framework.Dispatch(_table, in e);
        }
        return _tableCount;
    }

    /// <summary>pyinotify's <c>getattr(self, 'process_' + maskname)</c>, then the family name, then <c>process_default</c>.</summary>
    [Benchmark(OperationsPerInvoke = N, Description = "Reflection name lookup (pyinotify)")]
    public long Reflection()
    {
        var h = _reflection;
        var type = h.GetType();
        for (var i = 0; i < N; i++)
        {
            var e = _owned[i];
            var method = type.GetMethod("process_" + EventsCodes.MaskName(e.Mask & ~EventMask.IsDir), Flags)
                ?? type.GetMethod("process_default", Flags);
            method?.Invoke(h, [e]);
        }
        return h.Count;
    }

    private const BindingFlags Flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
}

/// <summary>The framework's side of each design: what the notifier does for one event, never inlined into the caller.</summary>
internal static class Framework
{
    /// <summary>InotifyGen: <see cref="ProcessEvent.Invoke"/>, which runs the generated switch.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Dispatch(ProcessEvent h, in InotifyEvent e) => h.Invoke(in e);

    /// <summary>Virtual methods: the framework picks the method for the event type.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Dispatch(VirtualHandler h, in InotifyEvent e)
    {
        switch (e.EventType)
        {
            case EventMask.Create: h.OnCreate(in e); break;
            case EventMask.Modify: h.OnModify(in e); break;
            case EventMask.CloseWrite: h.OnCloseWrite(in e); break;
            case EventMask.Delete: h.OnDelete(in e); break;
            default: h.OnOther(in e); break;
        }
    }

    /// <summary>A table from event type to delegate.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Dispatch(Dictionary<EventMask, DispatchBenchmarks.EventAction> table, in InotifyEvent e)
    {
        if (table.TryGetValue(e.EventType, out var action))
            action(in e);
    }
}

/// <summary>The handler the source generator compiles: its DispatchEvent is a generated switch.</summary>
public sealed partial class GeneratedHandler : ProcessEvent
{
    /// <summary>Events handled.</summary>
    public long Count;

    private void process_IN_CREATE(InotifyEvent e) => Count++;
    private void process_IN_MODIFY(InotifyEvent e) => Count++;
    private void process_IN_CLOSE_WRITE(InotifyEvent e) => Count++;
    private void process_IN_DELETE(InotifyEvent e) => Count++;
}

/// <summary>The classic framework design: one virtual method per event type, chosen by a switch in the framework.</summary>
public abstract class VirtualHandler
{
    /// <summary>Handles IN_CREATE.</summary>
    public virtual void OnCreate(in InotifyEvent e) { }
    /// <summary>Handles IN_MODIFY.</summary>
    public virtual void OnModify(in InotifyEvent e) { }
    /// <summary>Handles IN_CLOSE_WRITE.</summary>
    public virtual void OnCloseWrite(in InotifyEvent e) { }
    /// <summary>Handles IN_DELETE.</summary>
    public virtual void OnDelete(in InotifyEvent e) { }
    /// <summary>Handles anything else.</summary>
    public virtual void OnOther(in InotifyEvent e) { }
}

/// <summary>The virtual handler that counts.</summary>
public sealed class CountingVirtualHandler : VirtualHandler
{
    /// <summary>Events handled.</summary>
    public long Count;
    /// <inheritdoc/>
    public override void OnCreate(in InotifyEvent e) => Count++;
    /// <inheritdoc/>
    public override void OnModify(in InotifyEvent e) => Count++;
    /// <inheritdoc/>
    public override void OnCloseWrite(in InotifyEvent e) => Count++;
    /// <inheritdoc/>
    public override void OnDelete(in InotifyEvent e) => Count++;
}

/// <summary>Handler methods found by name at run time, as pyinotify finds them (they take the owned event: reflection cannot pass a ref struct).</summary>
public sealed class ReflectionHandler
{
    /// <summary>Events handled.</summary>
    public long Count;
#pragma warning disable IDE1006, IDE0051 // pyinotify's names, found by reflection
    private void process_IN_CREATE(OwnedInotifyEvent e) => Count++;
    private void process_IN_MODIFY(OwnedInotifyEvent e) => Count++;
    private void process_IN_CLOSE_WRITE(OwnedInotifyEvent e) => Count++;
    private void process_IN_DELETE(OwnedInotifyEvent e) => Count++;
#pragma warning restore IDE1006, IDE0051
}
