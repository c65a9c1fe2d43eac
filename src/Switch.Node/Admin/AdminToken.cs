using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Switch.Node.Admin;

/// <summary>
/// Checks the bearer token of an admin call. Both tokens are hashed before the constant-time comparison, so that
/// neither the time taken nor an early exit on length tells a caller how much of a guess was right.
/// </summary>
internal sealed class AdminToken(string configured)
{
    private const string Scheme = "Bearer ";
    private readonly byte[]? _hash = configured.Length > 0 ? SHA256.HashData(Encoding.UTF8.GetBytes(configured)) : null;

    /// <summary>Null when <paramref name="authorization"/> (the Authorization header) carries the token; otherwise the refusal.</summary>
    public AdminRefusal? Refusal(string? authorization)
    {
        if (_hash is null)
            return new AdminRefusal(StatusCodes.Status403Forbidden, "no admin token is configured on the node (set switch.admin.token or SWITCH_ADMIN_TOKEN)");
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return new AdminRefusal(StatusCodes.Status401Unauthorized, "an admin token is required (Authorization: Bearer <token>)");
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _hash)
            ? null
            : new AdminRefusal(StatusCodes.Status403Forbidden, "wrong admin token");
    }
}
