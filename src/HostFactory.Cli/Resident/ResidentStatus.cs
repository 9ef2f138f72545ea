using HostFactory.Configuration;

namespace HostFactory.Cli.Resident;

/// <summary>A file the resident process loaded, as it was when loaded.</summary>
/// <param name="Path">The file.</param>
/// <param name="Stamp">Its size and modification time then (<see cref="ResidentEndpoint.Stamp"/>).</param>
internal sealed record LoadedFile(string Path, string Stamp);

/// <summary>What a resident process says of itself when asked (<c>hostfactory resident status</c>).</summary>
/// <param name="ProcessId">Its pid.</param>
/// <param name="Since">When it started listening.</param>
/// <param name="CallsServed">Protocol calls it has answered.</param>
/// <param name="CallsInProgress">Protocol calls it is running now.</param>
/// <param name="IdleTimeout">How long it stays without a call.</param>
/// <param name="Fingerprint">Its endpoint's key: the installation and configuration it was started for (<see cref="ResidentEndpoint.FingerprintOf"/>).</param>
/// <param name="Paths">The paths it resolved.</param>
/// <param name="Plugins">The provider plugin assemblies it loaded, as they were when loaded.</param>
internal sealed record ResidentStatus(
    int ProcessId,
    DateTimeOffset Since,
    long CallsServed,
    int CallsInProgress,
    TimeSpan IdleTimeout,
    string Fingerprint,
    HostFactoryPaths Paths,
    IReadOnlyList<LoadedFile> Plugins)
{
    /// <summary>
    /// The bytes after the accepted byte: pid, since (int64 Unix milliseconds), calls served (int64), calls in progress,
    /// idle timeout (seconds), fingerprint, the six paths, the number of plugins, then each plugin's path and stamp.
    /// </summary>
    public byte[] Encode()
    {
        var buffer = new MemoryStream(512);
        ResidentFrames.WriteInt(buffer, ProcessId);
        ResidentFrames.WriteLong(buffer, Since.ToUnixTimeMilliseconds());
        ResidentFrames.WriteLong(buffer, CallsServed);
        ResidentFrames.WriteInt(buffer, CallsInProgress);
        ResidentFrames.WriteInt(buffer, (int)IdleTimeout.TotalSeconds);
        foreach (var text in new[] { Fingerprint, Paths.ConfigurationDirectory, Paths.ConfigurationFile, Paths.TemplatesFile, Paths.WorkDirectory, Paths.LogDirectory, Paths.Source })
        {
            ResidentFrames.WriteString(buffer, text);
        }

        ResidentFrames.WriteInt(buffer, Plugins.Count);
        foreach (var plugin in Plugins)
        {
            ResidentFrames.WriteString(buffer, plugin.Path);
            ResidentFrames.WriteString(buffer, plugin.Stamp);
        }

        return buffer.ToArray();
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a whole status.</exception>
    public static ResidentStatus Decode(ReadOnlySpan<byte> bytes)
    {
        var processId = ResidentFrames.ReadInt(ref bytes);
        var since = DateTimeOffset.FromUnixTimeMilliseconds(ResidentFrames.ReadLong(ref bytes));
        var served = ResidentFrames.ReadLong(ref bytes);
        var inProgress = ResidentFrames.ReadInt(ref bytes);
        var idle = TimeSpan.FromSeconds(ResidentFrames.ReadInt(ref bytes));
        var fingerprint = ResidentFrames.ReadString(ref bytes);
        var paths = new HostFactoryPaths(
            ResidentFrames.ReadString(ref bytes),
            ResidentFrames.ReadString(ref bytes),
            ResidentFrames.ReadString(ref bytes),
            ResidentFrames.ReadString(ref bytes),
            ResidentFrames.ReadString(ref bytes),
            ResidentFrames.ReadString(ref bytes));
        var count = ResidentFrames.ReadInt(ref bytes);
        if (count < 0 || count > bytes.Length)
        {
            throw new InvalidDataException("the status is cut short.");
        }

        var plugins = new List<LoadedFile>(count);
        for (var i = 0; i < count; i++)
        {
            plugins.Add(new LoadedFile(ResidentFrames.ReadString(ref bytes), ResidentFrames.ReadString(ref bytes)));
        }

        return bytes.IsEmpty
            ? new ResidentStatus(processId, since, served, inProgress, idle, fingerprint, paths, plugins)
            : throw new InvalidDataException("the status has trailing bytes.");
    }
}

/// <summary>A resident process as <c>resident status</c> shows it; the numbers are null when it did not answer.</summary>
/// <param name="ProcessId">Its pid (from its pid file when it did not answer).</param>
/// <param name="Since">When it started listening.</param>
/// <param name="CallsServed">Protocol calls it has answered.</param>
/// <param name="CallsInProgress">Protocol calls it is running.</param>
/// <param name="IdleTimeoutSeconds">How long it stays without a call.</param>
/// <param name="Fingerprint">The configuration fingerprint it was started for (its socket's name).</param>
/// <param name="State"><c>current</c>, <c>stale</c>, <c>not answering</c>, <c>not running</c> or <c>other user</c>.</param>
/// <param name="Notes">Why it is stale, or what its state means.</param>
/// <param name="Socket">Its socket.</param>
/// <param name="ConfigurationFile">The configuration file it read.</param>
internal sealed record ResidentView(
    int? ProcessId,
    DateTimeOffset? Since,
    long? CallsServed,
    int? CallsInProgress,
    int? IdleTimeoutSeconds,
    string Fingerprint,
    string State,
    IReadOnlyList<string> Notes,
    string Socket,
    string? ConfigurationFile);

/// <summary>A resident process <c>resident stop</c> asked to stop, and whether it had ended within the timeout.</summary>
/// <param name="ProcessId">Its pid.</param>
/// <param name="Fingerprint">Its configuration fingerprint.</param>
/// <param name="Stopped">True when it had ended within the timeout.</param>
internal sealed record ResidentStopView(int ProcessId, string Fingerprint, bool Stopped);
