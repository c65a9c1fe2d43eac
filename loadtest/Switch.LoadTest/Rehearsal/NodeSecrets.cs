using System.Security.Cryptography;

namespace Switch.LoadTest.Rehearsal;

/// <summary>
/// The secrets a rehearsal's nodes share, new for every run: the card-data key (every node must derive the same
/// account keys), the admin token the tool presents, and the cluster secret of the node-to-node transport.
/// </summary>
internal sealed record NodeSecrets(string CardDataKey, string AdminToken, string ClusterSecret)
{
    public static NodeSecrets Generate() => new(Hex(32), Hex(16), Hex(16));

    private static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
