using LicenceTrust.Core.Results;
using Microsoft.AspNetCore.Http;

namespace LicenceTrust.AuthorityConsole;

/// <summary>A posted status action: the reason chosen from the list plus free text, the confirmation box, the request key.</summary>
public sealed record ActionInput(string Reason, bool Confirm, string? Key)
{
    public static ActionInput From(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var choice = form["reasonChoice"].ToString().Trim();
        var text = form["reasonText"].ToString().Trim();
        var reason = text.Length == 0 ? choice : choice.Length == 0 ? text : $"{choice}：{text}";
        return new ActionInput(reason, form["confirm"] == "yes", form["requestKey"].ToString());
    }

    /// <summary>What a page shows when the box restating the consequence was not ticked.</summary>
    public static LicenceTrustError NotConfirmed { get; } =
        new(ErrorKind.Validation, "CONFIRMATION_REQUIRED", "请勾选确认框，确认已知晓后果 (tick the box to confirm you understand the consequence).", "confirm");
}
