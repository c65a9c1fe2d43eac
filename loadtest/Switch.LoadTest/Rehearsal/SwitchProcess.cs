using System.Diagnostics;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// The switch node as a real process (switch-node, built next to this tool) on a configuration file the rehearsal
/// wrote; its console goes to a log file in the output directory. Chaos acts on it: SIGKILL, SIGTERM, start again.
/// </summary>
internal sealed class SwitchProcess : IAsyncDisposable
{
    private readonly string _configFile;
    private readonly StreamWriter _log;
    private readonly Queue<string> _tail = new();
    private Process? _process;
    private bool _logClosed;
    private volatile bool _stopRequested;
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SwitchProcess(string configFile, string logFile)
    {
        _configFile = configFile;
        _log = new StreamWriter(logFile, append: true) { AutoFlush = true };
    }

    /// <summary>The node exited without being killed or stopped by this tool (its exit code): it crashed, or the cluster downed it.</summary>
    public event Action<int>? ExitedUnasked;

    /// <summary>Times the process was started.</summary>
    public int Starts { get; private set; }

    public bool Running => _process is { HasExited: false };

    public int? ProcessId => _process?.Id;

    /// <summary>Starts the node and waits until it says it started (its listeners are open by then).</summary>
    /// <exception cref="InvalidOperationException">The node exited or did not start in time; the message has its last lines.</exception>
    public async Task StartAsync(TimeSpan timeout)
    {
        if (Running)
            throw new InvalidOperationException("the node is already running");
        _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _stopRequested = false;
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(_configFile))!,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "switch-node.dll"));
        startInfo.ArgumentList.Add("--config");
        startInfo.ArgumentList.Add(Path.GetFullPath(_configFile));
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var started = _started;
        process.OutputDataReceived += (_, e) => OnLine(e.Data, started);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, started);
        process.Exited += (_, _) =>
        {
            OnLine($"switch-loadtest: the node process exited with code {SafeExitCode(process)}", started);
            if (!_stopRequested)
                ExitedUnasked?.Invoke(process.ExitCode);
            started.TrySetException(new InvalidOperationException($"the switch node exited with code {SafeExitCode(process)}:\n{Tail}"));
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Starts++;
        try
        {
            await started.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"the switch node did not start within {timeout.TotalSeconds:0} s:\n{Tail}");
        }
    }

    /// <summary>SIGKILL: nothing is flushed, nothing in flight is answered.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
            return;
        _stopRequested = true;
        process.Kill();
        await process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGTERM, the node's graceful stop; its exit code (SIGKILL after <paramref name="timeout"/>).</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (_process is not { HasExited: false } process)
            return _process?.ExitCode ?? 0;
        _stopRequested = true;
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync().ConfigureAwait(false);
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await KillAsync().ConfigureAwait(false);
        }
        return process.ExitCode;
    }

    /// <summary>Waits for the node to exit by itself: its exit code, or null when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is not { } process)
            return null;
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The node's last console lines.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
                return string.Join('\n', _tail);
        }
    }

    private void OnLine(string? line, TaskCompletionSource started)
    {
        if (line is null)
            return;
        lock (_tail)
        {
            if (!_logClosed) // the last lines (and the exit) may come after the run closed the log
                _log.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > 40)
                _tail.Dequeue();
        }
        if (line.Contains("node ", StringComparison.Ordinal) && line.EndsWith(" started", StringComparison.Ordinal))
            started.TrySetResult();
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process?.Dispose();
        lock (_tail)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }
}
