using System.Diagnostics;
using System.Net;
using Switch.LoadTest.Load;
using Switch.Protocol.Framing;
using Switch.Simulators;

namespace Switch.LoadTest.Capture;

/// <summary>
/// Sends a capture's requests to a switch again at their recorded pace (or <c>speed</c> times faster), over a number
/// of connections, and measures the answers as a run does (latency from each request's due time).
/// </summary>
internal static class Replayer
{
    public static async Task<int> ReplayAsync(string file, EndPoint target, FrameFormat framing, double speed, int connections, TimeSpan timeout,
        TextWriter log, CancellationToken cancellationToken)
    {
        var (dialect, requests) = CaptureReader.Read(file);
        if (requests.Count == 0)
            throw new InvalidDataException($"{file} holds no requests");
        var clients = new AcquirerClient[connections];
        for (var i = 0; i < connections; i++)
            clients[i] = await AcquirerClient.ConnectAsync(target, new AcquirerClientOptions(dialect, framing), cancellationToken).ConfigureAwait(false);
        var length = requests[^1].Offset / speed;
        var recorder = new RunRecorder(["replay"], (int)Math.Ceiling(length.TotalSeconds + timeout.TotalSeconds) + 5, Stopwatch.GetTimestamp());
        var start = recorder.StartTimestamp;
        long unanswered = 0;
        var pending = new List<Task>(requests.Count);
        log.WriteLine($"replaying {requests.Count} requests from {file} at {speed:0.##}x ({length.TotalSeconds:0.#} s) on {connections} connections to {target}");
        for (var i = 0; i < requests.Count; i++)
        {
            var due = start + (long)(requests[i].Offset.TotalSeconds / speed * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            var request = dialect.Decode(requests[i].Body);
            var client = clients[i % connections];
            recorder.RecordSent(0, due);
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    var answer = await client.SendAsync(request, timeout, cancellationToken).ConfigureAwait(false);
                    recorder.RecordAnswer(0, answer.ResponseCode ?? "", due);
                }
                catch (Exception error) when (error is TimeoutException or IOException or InvalidOperationException)
                {
                    Interlocked.Increment(ref unanswered);
                }
            }, CancellationToken.None));
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        foreach (var client in clients)
            await client.DisposeAsync().ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var latency = recorder.Latency;
        log.WriteLine($"replayed {recorder.Sent} requests in {elapsed:0.0} s: {recorder.Answered / Math.Max(length.TotalSeconds, 0.001):0.#}/s answered, " +
                      $"{recorder.Approved} approved, {recorder.Declined} declined, {recorder.Timeouts} timeouts, {recorder.Errors} errors, {unanswered} unanswered");
        log.WriteLine($"latency p50 {latency.MillisAtPercentile(50):0.###} ms, p99 {latency.MillisAtPercentile(99):0.###} ms, max {latency.MaxMicros / 1000.0:0.###} ms; " +
                      $"response codes {string.Join(", ", recorder.ResponseCodes().OrderByDescending(p => p.Value).Select(p => $"{p.Key}: {p.Value}"))}");
        return unanswered == 0 ? 0 : 1;
    }
}
