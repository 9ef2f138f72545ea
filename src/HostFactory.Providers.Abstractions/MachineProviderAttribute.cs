namespace HostFactory.Providers.Abstractions;

/// <summary>
/// Marks a class implementing <see cref="Domain.Providers.IMachineProvider"/> as the provider of the
/// type <see cref="TypeName"/> (the <c>type</c> of a provider instance in <c>hostfactory.json</c>).
/// The host finds such classes by scanning the plugin assembly and creates one per configured instance.
/// </summary>
/// <remarks>
/// The class needs a public constructor. Its parameters may be the <see cref="ProviderContext"/>, an
/// instance of <see cref="OptionsType"/> (bound from the instance's <c>settings</c> and validated with
/// DataAnnotations and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>), and any
/// service the host registered (for example <c>ILogger&lt;T&gt;</c> or <see cref="TimeProvider"/>).
/// </remarks>
/// <param name="typeName">The provider type name, e.g. <c>local-process</c>: 1 to 64 characters of <c>a-z 0-9 -</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MachineProviderAttribute(string typeName) : Attribute
{
    /// <summary>The provider type name instances refer to with <c>type</c>.</summary>
    public string TypeName { get; } = typeName;

    /// <summary>
    /// The class the instance's <c>settings</c> bind to; null when the provider takes no settings
    /// (then any <c>settings</c> given are refused). It needs a public parameterless constructor.
    /// </summary>
    public Type? OptionsType { get; init; }
}
