using InotifyGen.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace InotifyGen.Hosting.Tests;

public sealed partial class FileProviderTests
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int RenameCore(string from, string to);

    /// <summary>rename(2), as the kubelet swaps the link: File.Move would look through the link at the directory.</summary>
    private static void Rename(string from, string to) =>
        Assert.True(RenameCore(from, to) == 0, $"rename failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Completes when the token fires; the test awaits it with a deadline.</summary>
    private static Task Fired(IChangeToken token)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.RegisterChangeCallback(static s => ((TaskCompletionSource)s!).TrySetResult(), fired);
        return fired.Task;
    }

    [Fact]
    public async Task Watch_AFileWrittenInPlace_FiresItsToken()
    {
        using var dir = new TempDir(tmpfs: true);
        dir.WriteFile("app.json", "{}");
        using var provider = new InotifyFileProvider(dir.Path);
        var token = provider.Watch("app.json");
        Assert.False(token.HasChanged);
        Assert.True(token.ActiveChangeCallbacks);

        await File.WriteAllTextAsync(dir["app.json"], "{ \"a\": 1 }");
        await Fired(token).WaitAsync(Deadline);
        Assert.True(token.HasChanged);
    }

    [Fact]
    public async Task Tokens_ShareOneInstance_AndOneKernelWatchPerDirectory_ReleasedWhenTheyFire()
    {
        using var dir = new TempDir(tmpfs: true);
        dir.WriteFile("a.json");
        dir.WriteFile("b.json");
        using var provider = new InotifyFileProvider(dir.Path);
        var a = provider.Watch("a.json");
        var b = provider.Watch("/b.json");
        Assert.Same(a, provider.Watch("a.json")); // one token per filter until it fires
        Assert.Equal(1, provider.WatchedDirectories);
        Assert.Single(provider.WatchManager.Watches);

        dir.WriteFile("a.json", "changed");
        await Fired(a).WaitAsync(Deadline);
        Assert.False(b.HasChanged); // the other file's token waits on
        Assert.Equal(1, provider.WatchedDirectories);

        dir.WriteFile("b.json", "changed");
        await Fired(b).WaitAsync(Deadline);
        Assert.Equal(0, provider.WatchedDirectories);
        Assert.Empty(provider.WatchManager.Watches);
    }

    [Fact]
    public async Task Watch_AFileCreatedLater_InADirectoryCreatedLater_Fires()
    {
        using var dir = new TempDir(tmpfs: true);
        using var provider = new InotifyFileProvider(dir.Path);
        var token = provider.Watch("conf/late.json");
        Assert.True(token.ActiveChangeCallbacks);

        Directory.CreateDirectory(dir["conf"]);
        await Fired(token).WaitAsync(Deadline); // the directory that will hold it appeared: re-resolve
        var again = provider.Watch("conf/late.json");
        dir.WriteFile("conf/late.json");
        await Fired(again).WaitAsync(Deadline);
    }

    [Fact]
    public async Task Glob_FiresForAMatchingFile_NotForOthers()
    {
        using var dir = new TempDir(tmpfs: true);
        dir.CreateDirectory("conf/deep");
        using var provider = new InotifyFileProvider(dir.Path);
        var json = provider.Watch("conf/**/*.json");
        var text = provider.Watch("conf/*.txt");

        dir.WriteFile("conf/notes.txt");
        await Fired(text).WaitAsync(Deadline);
        Assert.False(json.HasChanged);

        dir.WriteFile("conf/deep/x.json");
        await Fired(json).WaitAsync(Deadline);
    }

    [Fact]
    public void Watch_ClimbingOutOfTheRoot_GivesATokenThatNeverFires()
    {
        using var dir = new TempDir(tmpfs: true);
        using var provider = new InotifyFileProvider(dir.Path);
        Assert.Same(NullChangeToken.Singleton, provider.Watch("../etc/passwd"));
        Assert.Same(NullChangeToken.Singleton, provider.Watch("conf/../../etc/passwd"));
        Assert.Equal(0, provider.WatchedDirectories);
    }

    [Fact]
    public void Dispose_ClosesTheInotifyInstance()
    {
        using var dir = new TempDir(tmpfs: true);
        var provider = new InotifyFileProvider(dir.Path);
        provider.Watch("x.json");
        var wm = provider.WatchManager;
        provider.Dispose();
        Assert.True(wm.IsClosed);
        Assert.Same(NullChangeToken.Singleton, provider.Watch("x.json"));
    }

    /// <summary>
    /// A Kubernetes ConfigMap volume, as the kubelet writes it: the data in a timestamped directory, a <c>..data</c>
    /// link to it, and each key a link through <c>..data</c>. An update writes a new directory, points a new link
    /// <c>..data_tmp</c> at it and renames that over <c>..data</c>: appsettings.json itself never changes.
    /// </summary>
    [Fact]
    public async Task ConfigMapUpdate_TheDataLinkSwap_FiresTheToken_AndIConfigurationReloadsTheNewValue()
    {
        using var dir = new TempDir(tmpfs: true);
        var first = dir.CreateDirectory("..2026_12_01_10_00_00.000000001");
        File.WriteAllText(Path.Combine(first, "appsettings.json"), "{ \"Greeting\": \"old\" }");
        File.CreateSymbolicLink(dir["..data"], "..2026_12_01_10_00_00.000000001");
        File.CreateSymbolicLink(dir["appsettings.json"], "..data/appsettings.json");

        using var provider = new InotifyFileProvider(dir.Path);
        var config = new ConfigurationBuilder()
            .AddJsonFile(provider, "appsettings.json", optional: false, reloadOnChange: true)
            .Build();
        Assert.Equal("old", config["Greeting"]);
        var reloaded = Fired(config.GetReloadToken());

        var second = dir.CreateDirectory("..2026_12_01_10_05_00.000000002");
        File.WriteAllText(Path.Combine(second, "appsettings.json"), "{ \"Greeting\": \"new\" }");
        File.CreateSymbolicLink(dir["..data_tmp"], "..2026_12_01_10_05_00.000000002");
        Rename(dir["..data_tmp"], dir["..data"]); // the atomic swap
        Directory.Delete(first, recursive: true);

        await reloaded.WaitAsync(Deadline);
        Assert.Equal("new", config["Greeting"]);

        // And again: the token was renewed on the new link chain.
        var third = dir.CreateDirectory("..2026_12_01_10_10_00.000000003");
        File.WriteAllText(Path.Combine(third, "appsettings.json"), "{ \"Greeting\": \"newer\" }");
        var reloadedAgain = Fired(config.GetReloadToken());
        File.CreateSymbolicLink(dir["..data_tmp"], "..2026_12_01_10_10_00.000000003");
        Rename(dir["..data_tmp"], dir["..data"]);
        await reloadedAgain.WaitAsync(Deadline);
        Assert.Equal("newer", config["Greeting"]);
        Assert.Single(provider.WatchManager.Watches.Values, w => w.Path == dir.Path); // one watch for the volume's directory
    }
}
