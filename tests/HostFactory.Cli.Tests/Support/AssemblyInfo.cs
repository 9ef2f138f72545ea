// The tests run the local-process provider, which reads /proc and uses setsid: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
