using System.Runtime.CompilerServices;

namespace Switch.Actors.Tests;

internal static class TestAssemblySetup
{
    /// <summary>
    /// The persistence tests wait on actors that reply from the thread pool; enough pool threads up front keep a
    /// busy 2-core machine from starving the actors and journal callbacks the tests are waiting for.
    /// </summary>
    [ModuleInitializer]
    internal static void WidenThreadPool() => ThreadPool.SetMinThreads(32, 32);
}
