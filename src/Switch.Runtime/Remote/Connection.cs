using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Switch.Runtime.Remote;

/// <summary>
/// One TCP connection (optionally TLS) as a pair of pipes. Whoever reads completes <see cref="Input"/>, whoever writes
/// completes <see cref="Output"/>; <see cref="Abort"/> closes the socket so that both fail at once.
/// </summary>
internal sealed class Connection
{
    private const int SegmentSize = 64 * 1024;

    /// <summary>What a pipe of a closed connection is completed with.</summary>
    public static readonly Exception Closed = new IOException("the connection is closed");

    private readonly Socket _socket;
    private readonly Stream _stream;
    private int _aborted;

    private Connection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: SegmentSize, minimumReadSize: SegmentSize / 4, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: SegmentSize, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public bool IsAborted => Volatile.Read(ref _aborted) == 1;

    public static async Task<Connection> ConnectAsync(EndPoint endpoint, X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (certificate is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = endpoint switch { DnsEndPoint dns => dns.Host, IPEndPoint ip => ip.Address.ToString(), _ => "switch" },
                    // Nodes share the cluster's certificate: one the system trusts, or exactly ours, is the peer's.
                    RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                        errors == SslPolicyErrors.None || (presented is not null && presented.GetCertHashString() == certificate.GetCertHashString()),
                }, cancellationToken).ConfigureAwait(false);
            }
            return new Connection(socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task<Connection> AcceptAsync(Socket socket, X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        socket.NoDelay = true;
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (certificate is not null)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            stream = tls;
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        return new Connection(socket, stream);
    }

    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 1) return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // already closed by the peer
        }
        _socket.Dispose();
        _stream.Dispose();
    }
}
