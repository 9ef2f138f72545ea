using System.ComponentModel.DataAnnotations;

namespace HostFactory.Providers.Exec;

/// <summary>The <c>settings</c> of an <c>exec</c> instance.</summary>
public sealed class ExecProviderOptions
{
    /// <summary>
    /// The program: a name looked up on PATH (e.g. <c>python3</c>) or a path, relative paths being taken
    /// from <see cref="WorkingDirectory"/>.
    /// </summary>
    [Required]
    public string Program { get; set; } = string.Empty;

    /// <summary>Arguments put before the operation name, e.g. the script path.</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>The program's working directory; defaults to the configuration file's directory (relative paths too).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Variables added to the program's environment (credentials stay in the operator's hands, not in templates).</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// True when the program implements the optional <c>held</c> operation (the machines it holds, each with the key it
    /// was made under). False by default: HostFactory then knows the provider cannot list what it holds, and recovers an
    /// interrupted request by asking again under the same key.
    /// </summary>
    public bool ListHeld { get; set; }

    /// <summary>How long one run may take in seconds before its process tree is killed (default 300).</summary>
    [Range(1, 3600)]
    public double TimeoutSeconds { get; set; } = 300;
}
