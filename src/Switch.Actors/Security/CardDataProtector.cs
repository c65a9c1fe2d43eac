using System.Security.Cryptography;
using System.Text;

namespace Switch.Actors.Security;

/// <summary>
/// Keeps card numbers out of the journal. From one master key (configuration: <c>switch.security.card-data-key</c>)
/// it derives two: an HMAC key that turns a PAN into its account key (stable, not reversible), and an AES-GCM key
/// that seals what must be sent again later (the bank request a reversal advice is built from).
/// </summary>
public sealed class CardDataProtector
{
    private const int NonceSize = 12, TagSize = 16;
    private readonly byte[] _accountKeyKey;
    private readonly byte[] _sealKey;
    private readonly ThreadLocal<AesGcm> _aes; // one key schedule per thread, not per seal (AesGcm is not shared across threads)

    /// <summary>Derives the keys from <paramref name="masterKey"/> (at least 32 bytes).</summary>
    public CardDataProtector(ReadOnlySpan<byte> masterKey)
    {
        if (masterKey.Length < 32)
            throw new ArgumentException("the card data key must be at least 32 bytes (64 hex digits)", nameof(masterKey));
        _accountKeyKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, info: "switch account key"u8.ToArray());
        _sealKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, info: "switch sealed card data"u8.ToArray());
        _aes = new ThreadLocal<AesGcm>(() => new AesGcm(_sealKey, TagSize));
    }

    /// <summary>Parses a hex master key, as configured.</summary>
    public static CardDataProtector FromHex(string hex)
    {
        byte[] key;
        try
        {
            key = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new ArgumentException("the card data key must be hex digits");
        }
        return new CardDataProtector(key);
    }

    /// <summary>The account key of <paramref name="pan"/>: "acct-" and 32 hex digits of its keyed hash.</summary>
    public string AccountKey(ReadOnlySpan<char> pan)
    {
        Span<byte> utf8 = stackalloc byte[32];
        var length = Encoding.ASCII.GetBytes(pan[..Math.Min(pan.Length, 32)], utf8);
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_accountKeyKey, utf8[..length], hash);
        return string.Create(37, hash[..16].ToArray(), static (chars, bytes) =>
        {
            "acct-".CopyTo(chars);
            Convert.TryToHexStringLower(bytes, chars[5..], out _);
        });
    }

    /// <summary>Encrypts and authenticates <paramref name="plain"/>: nonce, tag and ciphertext in one array.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plain)
    {
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        _aes.Value!.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        return sealedBytes;
    }

    /// <summary>Decrypts what <see cref="Seal"/> produced with the same master key.</summary>
    /// <exception cref="CryptographicException">The data was altered or sealed under another key.</exception>
    public byte[] Open(ReadOnlySpan<byte> sealedBytes)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
            throw new CryptographicException("sealed card data is truncated");
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        _aes.Value!.Decrypt(sealedBytes[..NonceSize], sealedBytes[(NonceSize + TagSize)..], sealedBytes.Slice(NonceSize, TagSize), plain);
        return plain;
    }
}
