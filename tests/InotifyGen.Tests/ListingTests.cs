namespace InotifyGen.Tests;

/// <summary>The walk's byte buffers (<see cref="Listing"/>, <see cref="WalkPath"/>), without the kernel.</summary>
public class ListingTests
{
    [Fact]
    public void Listing_SortsByTheNamesBytes_KeepsThemExactly_AndIsReusedEmpty()
    {
        var listing = new Listing();
        byte[] bad = [(byte)'b', 0xff];
        listing.Add("\U0001F600"u8, isDirectory: true, isFile: false); // F0 9F 98 80
        listing.Add("\uFF5A"u8, isDirectory: false, isFile: true); // EF BD 9A: first by bytes, second by UTF-16
        listing.Add(bad, isDirectory: true, isFile: false);
        listing.Add(new string('x', 5000).Select(c => (byte)c).ToArray(), isDirectory: false, isFile: false); // past the first buffer

        listing.Sort();

        Assert.Equal(4, listing.Count);
        Assert.Equal(bad, listing[0].Name.ToArray());
        Assert.Equal("b\uDCFF", listing[0].NameText);
        Assert.True(listing[0].IsDirectory);
        Assert.Equal(5000, listing[1].Name.Length);
        Assert.Equal("\uFF5A", listing[2].NameText);
        Assert.True(listing[2].IsFile);
        Assert.Equal("\U0001F600", listing[3].NameText);
        listing.Clear();
        Assert.Equal(0, listing.Count);
    }

    [Fact]
    public void WalkPath_EntersAndLeavesNames_FromTheRootOrAnyDirectory_NulTerminated()
    {
        var path = new WalkPath();
        path.Set("/");
        path.Enter(path.Length, "tmp"u8);
        Assert.Equal("/tmp", path.ToString());
        var tmp = path.Length;
        path.Enter(tmp, new byte[] { (byte)'a', 0xff });
        Assert.Equal("/tmp/a\uDCFF", path.ToString());
        Assert.Equal(new byte[] { (byte)'a', 0xff }, path.Name.ToArray());
        Assert.Equal(0, path.Terminated[^1]);
        path.Enter(tmp, "b"u8); // a sibling: back to the parent's length first
        Assert.Equal("/tmp/b", path.ToString());
        path.Truncate(tmp);
        Assert.Equal("/tmp", path.ToString());
        path.Set("/w/");
        path.Enter(path.Length, "x"u8);
        Assert.Equal("/w/x", path.ToString());
        path.Enter(path.Length, new string('d', 300).Select(c => (byte)c).ToArray()); // past the first buffer
        Assert.Equal(4 + 1 + 300, path.Length);
        Assert.Equal(0, path.Terminated[^1]);
    }
}
