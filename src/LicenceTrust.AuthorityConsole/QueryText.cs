namespace LicenceTrust.AuthorityConsole;

/// <summary>A page's filters as a query string: the parameters that have a value, escaped; empty when none has.</summary>
internal static class QueryText
{
    public static string Of(params (string Name, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }
}
