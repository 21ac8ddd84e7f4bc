using Microsoft.CodeAnalysis.Text;

namespace InotifyGen.Analyzers.Tests.Support;

/// <summary>Test source with the expected diagnostic spans marked <c>[|like this|]</c>.</summary>
internal static class Markup
{
    public static (string Source, List<TextSpan> Spans) Parse(string markup)
    {
        var source = new System.Text.StringBuilder();
        var spans = new List<TextSpan>();
        var open = new Stack<int>();
        for (var i = 0; i < markup.Length; i++)
        {
            if (string.CompareOrdinal(markup, i, "[|", 0, 2) == 0)
            {
                open.Push(source.Length);
                i++;
            }
            else if (string.CompareOrdinal(markup, i, "|]", 0, 2) == 0)
            {
                var start = open.Pop();
                spans.Add(TextSpan.FromBounds(start, source.Length));
                i++;
            }
            else
            {
                source.Append(markup[i]);
            }
        }
        Assert.Empty(open);
        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        return (source.ToString(), spans);
    }
}
