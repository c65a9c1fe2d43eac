using System.Diagnostics;

namespace Switch.Node.Tests.Admin;

/// <summary>
/// Headless Chromium (Debian's package, /usr/bin/chromium) run once per call on a fresh profile: no sandbox (the
/// tests may run as root), no GPU, nothing fetched but the page asked for. Missing Chromium fails the test with how to
/// install it; it never skips.
/// </summary>
internal static class DashboardBrowser
{
    public const string Executable = "/usr/bin/chromium";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>The page's DOM after its script ran for <paramref name="virtualMilliseconds"/> of virtual time.</summary>
    public static Task<string> DumpDomAsync(string url, int virtualMilliseconds = 5000) =>
        RunAsync($"--virtual-time-budget={virtualMilliseconds}", "--dump-dom", url);

    /// <summary>A PNG screenshot of the page, <paramref name="width"/> × <paramref name="height"/>, into <paramref name="file"/>.</summary>
    public static Task ScreenshotAsync(string url, string file, int width, int height, int virtualMilliseconds = 5000) =>
        RunAsync($"--virtual-time-budget={virtualMilliseconds}", $"--window-size={width},{height}", "--hide-scrollbars", "--force-color-profile=srgb",
            $"--screenshot={file}", url);

    private static async Task<string> RunAsync(params string[] arguments)
    {
        if (!File.Exists(Executable))
            Assert.Fail($"Chromium is missing ({Executable}): the dashboard's browser tests need it. Install it: apt-get install -y chromium (.ci/run does).");
        var profile = Directory.CreateTempSubdirectory("switch-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var flag in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}",
                     })
                start.ArgumentList.Add(flag);
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(Timeout);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"Chromium did not finish within {Timeout.TotalSeconds:0} s: {string.Join(' ', arguments)}");
            }
            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {await error}");
            return await output;
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // a helper process still closing its files: the temp directory is left behind
            }
        }
    }
}
