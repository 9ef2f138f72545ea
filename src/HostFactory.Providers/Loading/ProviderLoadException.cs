namespace HostFactory.Providers.Loading;

/// <summary>Why a provider instance could not be loaded at start.</summary>
public enum ProviderLoadFailure
{
    /// <summary>Two instances have the same name.</summary>
    DuplicateInstanceName,

    /// <summary>No loaded assembly provides the instance's type.</summary>
    UnknownType,

    /// <summary>The instance's assembly file does not exist.</summary>
    MissingAssembly,

    /// <summary>The assembly exists but could not be loaded or its types could not be read.</summary>
    AssemblyLoadFailed,

    /// <summary>The assembly has no <c>[MachineProvider]</c> class implementing <c>IMachineProvider</c>.</summary>
    NoProviderInAssembly,

    /// <summary>Two classes claim the same provider type name.</summary>
    DuplicateTypeName,

    /// <summary>A class is marked <c>[MachineProvider]</c> but cannot serve as a provider (wrong interface, bad type name or options type).</summary>
    InvalidProviderClass,

    /// <summary>The instance's <c>settings</c> do not bind to, or do not validate against, the provider's options type.</summary>
    InvalidSettings,

    /// <summary>The provider's constructor failed.</summary>
    ProviderCreationFailed,
}

/// <summary>
/// A provider instance could not be loaded when the host started. The message names the
/// configuration file, the instance and what is wrong; <see cref="Failure"/> says which kind of problem it is.
/// </summary>
public sealed class ProviderLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Which kind of problem.</param>
    /// <param name="instanceName">The instance concerned, if one is.</param>
    /// <param name="message">The full explanation.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ProviderLoadException(ProviderLoadFailure failure, string? instanceName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        InstanceName = instanceName;
    }

    /// <summary>Which kind of problem.</summary>
    public ProviderLoadFailure Failure { get; }

    /// <summary>The instance concerned, if one is.</summary>
    public string? InstanceName { get; }
}
