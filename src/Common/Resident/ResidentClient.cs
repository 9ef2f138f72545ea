namespace HostFactory.Cli.Resident;

/// <summary>How a call to the resident process went.</summary>
internal enum ResidentOutcome
{
    /// <summary>The resident process ran the call; the answer is there.</summary>
    Answered,

    /// <summary>No resident process took the call (none listening, or it closed before accepting): it never ran.</summary>
    NotRunning,

    /// <summary>Something listens that is not ours (another user's process): never talked to.</summary>
    Refused,

    /// <summary>The resident process accepted the call and ended before answering: it may have run, in part.</summary>
    Lost,
}

/// <summary>
/// The client side of the resident process: hands one protocol call over and reads the answer. Shared by the command
/// and its front end (src/HostFactory.Cli.FrontEnd).
/// </summary>
internal static class ResidentClient
{
    /// <summary>
    /// The one-line reason of a call that may not run again (see <c>ProtocolVerbs.IsSafeToRepeat</c>) whose resident
    /// process ended after accepting it: the command and its front end report it in these words.
    /// </summary>
    public static string LostMessage(string verb, string logDirectory) =>
        $"The resident hostfactory process ended during this {verb}; whether it took effect is unknown. See 'hostfactory requests list' and {logDirectory}.";

    /// <summary>Runs <paramref name="call"/> in the resident process at <paramref name="endpoint"/>, if one listens.</summary>
    public static (ResidentOutcome Outcome, ResidentAnswer? Answer) Call(ResidentEndpoint endpoint, ResidentCall call)
    {
        var (outcome, bytes) = Exchange(endpoint.SocketPath, ResidentFrames.Encode(call));
        if (outcome != ResidentOutcome.Answered)
        {
            return (outcome, null);
        }

        try
        {
            return (ResidentOutcome.Answered, ResidentFrames.DecodeAnswer(bytes));
        }
        catch (InvalidDataException)
        {
            return (ResidentOutcome.Lost, null);
        }
    }

    /// <summary>
    /// Sends <paramref name="control"/> to the resident process listening on <paramref name="socketPath"/>; the bytes
    /// it sent after accepting it (the status, or nothing for a stop). <see cref="ResidentOutcome.NotRunning"/> also
    /// when the process there does not know control requests (an older version).
    /// </summary>
    public static (ResidentOutcome Outcome, byte[] Reply) Control(string socketPath, ResidentControl control) =>
        Exchange(socketPath, ResidentFrames.Encode(control));

    private static (ResidentOutcome Outcome, byte[] Reply) Exchange(string socketPath, byte[] request)
    {
        using var socket = UnixSocket.TryConnect(socketPath);
        if (socket is null)
        {
            return (ResidentOutcome.NotRunning, []);
        }

        // The socket's directory is private, but a call carries the caller's authority: only a process of the same
        // user gets it.
        if (socket.PeerUserId() != UnixSocket.EffectiveUserId())
        {
            return (ResidentOutcome.Refused, []);
        }

        Span<byte> accepted = stackalloc byte[1];
        try
        {
            socket.Write(request);
            if (socket.Read(accepted) != 1 || accepted[0] != ResidentFrames.Accepted)
            {
                return (ResidentOutcome.NotRunning, []);
            }
        }
        catch (IOException)
        {
            // The resident process ended (idle, stopped) between accepting the connection and accepting the request.
            return (ResidentOutcome.NotRunning, []);
        }

        try
        {
            return (ResidentOutcome.Answered, ReadToEnd(socket));
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException)
        {
            return (ResidentOutcome.Lost, []);
        }
    }

    private static byte[] ReadToEnd(UnixSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        int read;
        while ((read = socket.Read(buffer.AsSpan(length))) > 0)
        {
            length += read;
            if (length == buffer.Length)
            {
                if (buffer.Length >= ResidentFrames.MaxFieldBytes)
                {
                    throw new InvalidDataException("the answer is too large.");
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }

        return buffer.AsSpan(0, length).ToArray();
    }
}
