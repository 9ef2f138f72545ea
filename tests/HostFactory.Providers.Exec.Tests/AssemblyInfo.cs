using System.Runtime.Versioning;

// The exec provider runs POSIX programs; its tests write and chmod shell scripts.
[assembly: SupportedOSPlatform("linux")]
