using Spectre.Console;
using UploadProxy.Cli.Api;

namespace UploadProxy.Cli;

/// <summary>One colour per session status, the same in every table.</summary>
internal static class StatusStyle
{
    /// <summary>The contract's statuses in the order a session moves through them.</summary>
    public static readonly string[] Order =
    [
        SessionStatuses.Pending, SessionStatuses.Uploading, SessionStatuses.Uploaded,
        SessionStatuses.Linked, SessionStatuses.Failed, SessionStatuses.Expired,
    ];

    public static string Format(string status)
    {
        var colour = status switch
        {
            SessionStatuses.Uploaded or SessionStatuses.Linked => "green",
            SessionStatuses.Uploading => "blue",
            SessionStatuses.Failed => "red",
            SessionStatuses.Expired => "yellow",
            _ => "grey",
        };
        return $"[{colour}]{Markup.Escape(status)}[/]";
    }

    /// <summary>Status names first in <see cref="Order"/>, then any the CLI does not know, by name.</summary>
    public static int Rank(string status)
    {
        var index = Array.IndexOf(Order, status);
        return index >= 0 ? index : Order.Length;
    }

    public static string Link(string? url) => url is null ? "" : $"[link]{Markup.Escape(url)}[/]";
}
