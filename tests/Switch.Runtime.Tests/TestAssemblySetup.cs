using System.Runtime.CompilerServices;

namespace Switch.Runtime.Tests;

internal static class TestAssemblySetup
{
    /// <summary>
    /// Tests block threads while they wait for messages (the actors themselves never do); enough pool threads up
    /// front keep those waits from starving the actors and timer callbacks the tests are waiting for.
    /// </summary>
    [ModuleInitializer]
    internal static void WidenThreadPool() => ThreadPool.SetMinThreads(64, 64);
}
