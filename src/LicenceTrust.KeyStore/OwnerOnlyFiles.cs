using System.Runtime.InteropServices;

namespace LicenceTrust.KeyStore;

/// <summary>
/// Makes every file this process creates readable and writable by its own user only (0600), and every
/// folder 0700, by setting the process's file-mode creation mask to 077: private keys, the SQLite database
/// with its WAL and shared-memory files, backups (pg_dump inherits the mask), the demo's key file and
/// anything else the node or the tool writes. One call at the top of each entry point covers them all,
/// including files made by SQLite or a child process, where no .NET API sets a mode. The systemd unit sets
/// <c>UMask=0077</c> as well. Linux and other Unix systems; nothing on Windows (ACLs).
/// </summary>
public static partial class OwnerOnlyFiles
{
    /// <summary>The mask: no permission for group or others.</summary>
    public const uint Mask = 0b000_111_111;

    /// <summary>Sets the mask for this process and its children; returns the mask that was in force, or null on Windows.</summary>
    public static uint? ForThisProcess() => OperatingSystem.IsWindows() ? null : umask(Mask);

    [LibraryImport("libc", SetLastError = false)]
    private static partial uint umask(uint mask);
}
