using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Switch.Node.Tests.EndToEnd;

/// <summary>The node as a real process (the built switch-node next to the tests), its console read for the bound ports.</summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<IPEndPoint> _acquirer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IPEndPoint> _admin = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];
    private bool _disposed;

    private NodeProcess(string configFile)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(configFile)!,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "switch-node.dll"));
        startInfo.ArgumentList.Add("--config");
        startInfo.ArgumentList.Add(configFile);
        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _started.TrySetException(new InvalidOperationException("the node exited: " + Output));
    }

    public string Output
    {
        get
        {
            lock (_output)
                return string.Join('\n', _output);
        }
    }

    public static async Task<NodeProcess> StartAsync(string configFile)
    {
        var node = new NodeProcess(configFile);
        node._process.Start();
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        await node._started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return node;
    }

    public Task<IPEndPoint> AcquirerEndpoint => _acquirer.Task;

    /// <summary>The admin endpoint, once the node logged it.</summary>
    public Task<IPEndPoint> AdminEndpoint => _admin.Task;

    public bool HasExited => Volatile.Read(ref _disposed) || _process.HasExited;

    /// <summary>Waits for the process to exit by itself; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no chance to flush or answer anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Add(line);
        if (AcquirerLine().Match(line) is { Success: true } m)
            _acquirer.TrySetResult(IPEndPoint.Parse(m.Groups[1].Value));
        if (AdminLine().Match(line) is { Success: true } admin)
            _admin.TrySetResult(IPEndPoint.Parse(admin.Groups[1].Value));
        if (line.Contains("started", StringComparison.Ordinal) && line.Contains("node ", StringComparison.Ordinal))
            _started.TrySetResult();
    }

    [GeneratedRegex(@"acquirer \S+ \(.*\) listening on (\S+)$")]
    private static partial Regex AcquirerLine();

    [GeneratedRegex(@"admin endpoint listening on (\S+)$")]
    private static partial Regex AdminLine();

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, true);
        if (!_process.HasExited)
            await KillAsync();
        _process.Dispose();
    }
}
