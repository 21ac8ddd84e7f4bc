using InotifyGen.Cli.Tests.Support;

namespace InotifyGen.Nats.Tests;

/// <summary>Bad settings are refused with the setting and the fix named; subjects are made of safe tokens.</summary>
public sealed class OptionsTests
{
    [Fact]
    public void Validate_EachBadSetting_NamesItAndTheFix()
    {
        var o = new JetStreamPublisherOptions
        {
            Url = "http://x", Subject = "a..b", Stream = "my stream", BufferCapacity = 0, StatePath = "/no/such/dir/state",
        };
        var problems = o.Validate("JetStream:");
        Assert.Contains(problems, p => p.StartsWith("JetStream:Url:", StringComparison.Ordinal) && p.Contains("nats://HOST:PORT", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("JetStream:Subject:", StringComparison.Ordinal) && p.Contains("empty token", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("JetStream:Stream:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("JetStream:BufferCapacity:", StringComparison.Ordinal) && p.Contains("1 or more", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("JetStream:StatePath:", StringComparison.Ordinal) && p.Contains("/no/such/dir", StringComparison.Ordinal));
        Assert.Empty(new JetStreamPublisherOptions().Validate());
        Assert.Throws<ArgumentException>(() => new JetStreamPublisher(o));
    }

    [Fact]
    public void Subject_HostAndWatch_BecomeTokens()
    {
        var t = new SubjectTemplate("inotify.{host}.{watch}", "build-7.example.com");
        Assert.Equal("inotify.build-7_example_com.srv.up_loads", t.For("/srv/up.loads"));
        Assert.Equal("inotify.build-7_example_com._", t.For("/"));
        Assert.Equal("inotify.build-7_example_com._", t.For(null));
        Assert.False(SubjectTemplate.TryParse("inotify.{user}", out var error));
        Assert.Contains("{host} and {watch}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_PublishOptionsWithoutPublish_OrBadValues_AreUsageErrors()
    {
        using var withoutPublish = CliProcess.Run("--subject", "x.y", "/tmp");
        Assert.Equal(2, withoutPublish.ExitCode);
        Assert.Contains(withoutPublish.Stderr, l => l.Contains("--subject only applies with --publish", StringComparison.Ordinal));

        using var badUrl = CliProcess.Run("--publish", "localhost:4222", "/tmp");
        Assert.Equal(2, badUrl.ExitCode);
        Assert.Contains(badUrl.Stderr, l => l.Contains("--publish: 'localhost:4222' is not a NATS server address; use nats://HOST:PORT", StringComparison.Ordinal));

        using var badBuffer = CliProcess.Run("--publish", "nats://127.0.0.1:1", "--publish-buffer", "0", "/tmp");
        Assert.Equal(2, badBuffer.ExitCode);
        Assert.Contains(badBuffer.Stderr, l => l.Contains("--publish-buffer: 0; use 1 or more", StringComparison.Ordinal));
    }
}
