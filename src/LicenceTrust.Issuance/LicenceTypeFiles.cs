using LicenceTrust.Core.Licences;

namespace LicenceTrust.Issuance;

/// <summary>A deployment's licence-type catalogue file (Node:LicenceTypes, <c>--licence-types</c>).</summary>
public static class LicenceTypeFiles
{
    /// <summary>Reads and checks a catalogue file, as the node does at start.</summary>
    /// <exception cref="InvalidDataException">The file breaks a rule; the message names the file, the entry and the rule.</exception>
    /// <exception cref="IOException">The file cannot be read (a missing file says so, with its path).</exception>
    public static LicenceTypeCatalogue Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"licence-type catalogue {path}: file not found.", path);
        }

        using var stream = File.OpenRead(path);
        return LicenceTypeCatalogue.Read(stream, $"licence-type catalogue {path}");
    }
}
