// The .NET startup hook (DOTNET_STARTUP_HOOKS) that turns this test assembly into the crash-test child process:
// it must be a type named StartupHook outside any namespace with a static Initialize method. Without the
// SWITCH_CRASH_CHILD variable it does nothing, so normal test runs are unaffected.

internal static class StartupHook
{
    public static void Initialize() => Switch.Runtime.Tests.Persistence.CrashChild.RunChildIfAsked();
}
