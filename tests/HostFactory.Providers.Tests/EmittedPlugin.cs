using System.Reflection;
using System.Reflection.Emit;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.Tests;

/// <summary>
/// Writes a real plugin assembly to disk with one class marked <c>[MachineProvider]</c>, for the load errors no
/// well-formed plugin can show. Emitted rather than built, so a broken plugin is not part of the solution's build.
/// </summary>
internal static class EmittedPlugin
{
    /// <summary>Saves <c>Emitted.Plugin.dll</c> holding <c>Emitted.Plugin.MarkedProvider</c>.</summary>
    /// <param name="path">Where to write the assembly.</param>
    /// <param name="typeName">The type name the class claims.</param>
    /// <param name="implementsProvider">
    /// Whether the class implements <see cref="IMachineProvider"/>; each of its methods then throws
    /// <see cref="NotSupportedException"/>, as loading fails before anything would call it.
    /// </param>
    public static void Save(string path, string typeName, bool implementsProvider)
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName("Emitted.Plugin"), typeof(object).Assembly);
        var module = assembly.DefineDynamicModule("Emitted.Plugin");
        var type = module.DefineType(
            "Emitted.Plugin.MarkedProvider",
            TypeAttributes.Public | TypeAttributes.Class | TypeAttributes.Sealed,
            typeof(object),
            implementsProvider ? [typeof(IMachineProvider)] : []);
        type.DefineDefaultConstructor(MethodAttributes.Public);
        if (implementsProvider)
        {
            foreach (var method in typeof(IMachineProvider).GetMethods())
            {
                var implementation = type.DefineMethod(
                    method.Name,
                    MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.Final | MethodAttributes.HideBySig | MethodAttributes.NewSlot,
                    method.ReturnType,
                    [.. method.GetParameters().Select(p => p.ParameterType)]);
                var il = implementation.GetILGenerator();
                il.Emit(OpCodes.Newobj, typeof(NotSupportedException).GetConstructor(Type.EmptyTypes)!);
                il.Emit(OpCodes.Throw);
                type.DefineMethodOverride(implementation, method);
            }
        }

        type.SetCustomAttribute(new CustomAttributeBuilder(typeof(MachineProviderAttribute).GetConstructor([typeof(string)])!, [typeName]));
        type.CreateType();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        assembly.Save(path);
    }
}
