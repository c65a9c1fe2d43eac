using Microsoft.AspNetCore.Http;

namespace Switch.Node.Admin;

/// <summary>A call the admin endpoint refuses: answered with <see cref="Status"/> and <c>{"error": message}</c>.</summary>
internal sealed class AdminRefusal(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static AdminRefusal BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static AdminRefusal NotFound(string message) => new(StatusCodes.Status404NotFound, message);
}
