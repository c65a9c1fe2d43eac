// A private PostgreSQL server for tests and benchmarks: initdb into a temporary folder, start on a free loopback
// port (unix socket in that folder), stop and delete on dispose. As root it runs the server as the 'postgres'
// system user (PostgreSQL refuses to run as root). Shared with loadtest/Switch.Benchmarks as a linked file.

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Switch.Runtime.Tests.Postgres;

internal sealed class PostgresServer : IDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly string _data;
    private readonly string _log;
    private readonly bool _asPostgresUser;
    private int _disposed;

    private PostgresServer(string bin, string root, bool asPostgresUser)
    {
        _bin = bin;
        _root = root;
        _data = Path.Combine(root, "data");
        _log = Path.Combine(root, "server.log");
        _asPostgresUser = asPostgresUser;
    }

    public int Port { get; private set; }

    public string Version { get; private set; } = "";

    /// <summary>Connection string for a database of this server (user postgres, trust authentication, loopback TCP).</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = true }.ToString();

    /// <summary>Finds the binaries, initdb, starts. Throws InvalidOperationException with the reason when it cannot.</summary>
    public static PostgresServer Start(IReadOnlyDictionary<string, string>? settings = null)
    {
        var bin = FindBinaries();
        var asPostgresUser = Environment.UserName == "root" || geteuid() == 0;
        var root = Directory.CreateTempSubdirectory("switch-pg-").FullName;
        var server = new PostgresServer(bin, root, asPostgresUser);
        try
        {
            server.Initialize(settings);
            server.Launch();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private static string FindBinaries()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("SWITCH_PG_BIN");
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(fromEnvironment))
            candidates.Add(fromEnvironment);
        candidates.Add("/usr/lib/postgresql/15/bin");
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        foreach (var dir in candidates)
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
                return dir;
        throw new InvalidOperationException(
            "PostgreSQL server binaries not found (looked for initdb and pg_ctl in " + string.Join(", ", candidates) +
            "). Install them (Debian: apt-get install postgresql) or set SWITCH_PG_BIN.");
    }

    private void Initialize(IReadOnlyDictionary<string, string>? settings)
    {
        Directory.CreateDirectory(Path.Combine(_root, "socket"));
        if (_asPostgresUser)
        {
            Run("chown", ["-R", "postgres:postgres", _root], asPostgres: false);
            Run("chmod", ["700", _root], asPostgres: false);
        }
        Run(Path.Combine(_bin, "initdb"), ["-D", _data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        Version = Run(Path.Combine(_bin, "postgres"), ["--version"]).Trim();
        var conf = new StringBuilder()
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine($"unix_socket_directories = '{Path.Combine(_root, "socket")}'")
            .AppendLine("max_connections = 200")
            .AppendLine("logging_collector = off")
            .AppendLine("log_min_messages = warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            conf.AppendLine($"{key} = {value}");
        File.AppendAllText(Path.Combine(_data, "postgresql.conf"), conf.ToString());
    }

    private void Launch()
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = FreePort();
            try
            {
                Run(Path.Combine(_bin, "pg_ctl"), ["start", "-D", _data, "-l", _log, "-w", "-t", "30", "-o", $"-p {Port}"]);
                using var connection = new NpgsqlConnection(ConnectionString());
                connection.Open();
                return;
            }
            catch (Exception error)
            {
                last = error;
                TryRun(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", _data, "-m", "immediate", "-w"]);
            }
        }
        throw new InvalidOperationException($"PostgreSQL ({_bin}) did not start: {last?.Message}\n{ReadLog()}", last);
    }

    /// <summary>Creates a database and returns its connection string.</summary>
    public string CreateDatabase(string name)
    {
        using var connection = new NpgsqlConnection(ConnectionString());
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        command.ExecuteNonQuery();
        return ConnectionString(name);
    }

    /// <summary>Stops the server (fast shutdown: sessions are disconnected). Start it again with <see cref="Restart"/>.</summary>
    public void Stop() => Run(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", _data, "-m", "fast", "-w", "-t", "30"]);

    /// <summary>Starts the server again unless it already accepts connections (after <see cref="Stop"/>).</summary>
    public void EnsureRunning()
    {
        if (!IsAcceptingConnections()) Restart();
    }

    private bool IsAcceptingConnections()
    {
        try
        {
            using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false;Timeout=2");
            connection.Open();
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Starts a stopped server again on the same port.</summary>
    public void Restart() => Run(Path.Combine(_bin, "pg_ctl"), ["start", "-D", _data, "-l", _log, "-w", "-t", "30", "-o", $"-p {Port}"]);

    /// <summary>Freezes the server (SIGSTOP to the postmaster and its backends): connections hang, nothing is refused.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>Thaws a paused server (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).First().Trim());
        var pids = new List<int> { postmaster };
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so parse after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) == postmaster)
                    pids.Add(pid);
            }
            catch (Exception)
            {
                // the process went away
            }
        }
        Run("kill", ["-" + signal, .. pids.Select(p => p.ToString())], asPostgres: false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        if (Directory.Exists(_data))
            TryRun(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", _data, "-m", "immediate", "-w", "-t", "30"]);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception)
        {
            // best effort
        }
    }

    private string ReadLog()
    {
        try
        {
            return File.Exists(_log) ? "server log:\n" + File.ReadAllText(_log) : "(no server log)";
        }
        catch (Exception error)
        {
            return "(server log unreadable: " + error.Message + ")";
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void TryRun(string file, string[] args)
    {
        try
        {
            Run(file, args);
        }
        catch (Exception)
        {
            // best effort
        }
    }

    private string Run(string file, string[] args, bool asPostgres = true)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        if (asPostgres && _asPostgresUser)
        {
            info.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", file })
                info.ArgumentList.Add(a);
        }
        else
        {
            info.FileName = file;
        }
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["LC_ALL"] = "C";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish within 60 s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', args)} failed with exit code {process.ExitCode}: {stderr.Result.Trim()} {stdout.Result.Trim()}");
        return stdout.Result;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();
}
