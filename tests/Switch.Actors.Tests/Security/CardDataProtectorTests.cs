using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Switch.Actors.Security;

namespace Switch.Actors.Tests.Security;

public sealed class CardDataProtectorTests
{
    private const string KeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private const string OtherKeyHex = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private const string Pan = "4761739001010010";

    private static readonly CardDataProtector Protector = CardDataProtector.FromHex(KeyHex);

    [Fact]
    public void The_account_key_of_a_pan_is_the_same_every_time_and_for_every_instance_with_the_same_key()
    {
        var again = CardDataProtector.FromHex(KeyHex.ToUpperInvariant());

        Assert.Equal(Protector.AccountKey(Pan), Protector.AccountKey(Pan));
        Assert.Equal(Protector.AccountKey(Pan), again.AccountKey(Pan));
        Assert.Equal(Protector.AccountKey(Pan), new CardDataProtector(Convert.FromHexString(KeyHex)).AccountKey(Pan.AsSpan()));
    }

    [Fact]
    public void Another_pan_has_another_account_key()
    {
        Assert.NotEqual(Protector.AccountKey(Pan), Protector.AccountKey("4761739001010011"));
        Assert.NotEqual(Protector.AccountKey(Pan), Protector.AccountKey(Pan + "0"));
        Assert.NotEqual(Protector.AccountKey("476173900101"), Protector.AccountKey("4761739001010"));
    }

    [Fact]
    public void Another_master_key_gives_another_account_key()
    {
        Assert.NotEqual(Protector.AccountKey(Pan), CardDataProtector.FromHex(OtherKeyHex).AccountKey(Pan));
    }

    [Theory]
    [InlineData("476173000000")]
    [InlineData("4761739001010010")]
    [InlineData("4761739001010010123")]
    public void An_account_key_is_acct_and_32_lowercase_hex_digits_without_the_pan(string pan)
    {
        var key = Protector.AccountKey(pan);

        Assert.Matches(new Regex("^acct-[0-9a-f]{32}$"), key);
        Assert.DoesNotContain(pan, key);
        Assert.DoesNotContain(pan[..6], key[5..]);
    }

    [Fact]
    public void A_thousand_pans_have_a_thousand_distinct_account_keys()
    {
        var keys = Enumerable.Range(0, 1_000).Select(i => Protector.AccountKey($"476173{i:D10}")).ToHashSet();
        Assert.Equal(1_000, keys.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(4_096)]
    public void Seal_and_open_round_trip(int length)
    {
        var plain = new byte[length];
        new Random(length).NextBytes(plain);

        var sealedBytes = Protector.Seal(plain);

        Assert.Equal(12 + 16 + length, sealedBytes.Length);
        Assert.Equal(plain, Protector.Open(sealedBytes));
        Assert.Equal(plain, CardDataProtector.FromHex(KeyHex).Open(sealedBytes)); // another instance, same key
    }

    [Fact]
    public void Sealing_the_same_data_twice_gives_different_bytes_that_hide_the_data()
    {
        var plain = Encoding.ASCII.GetBytes("0420 PAN " + Pan);

        var first = Protector.Seal(plain);
        var second = Protector.Seal(plain);

        Assert.NotEqual(first, second);
        Assert.DoesNotContain(Pan, Encoding.ASCII.GetString(first));
        Assert.Equal(-1, first.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Pan)));
    }

    [Fact]
    public void Flipping_any_byte_of_sealed_data_makes_it_fail_to_open()
    {
        var sealedBytes = Protector.Seal(Encoding.ASCII.GetBytes("sealed advice " + Pan));

        for (var i = 0; i < sealedBytes.Length; i++)
        {
            var tampered = sealedBytes.ToArray();
            tampered[i] ^= 0x01;
            Assert.ThrowsAny<CryptographicException>(() => Protector.Open(tampered));
        }
    }

    [Fact]
    public void Data_sealed_under_another_key_fails_to_open()
    {
        var sealedBytes = CardDataProtector.FromHex(OtherKeyHex).Seal(Encoding.ASCII.GetBytes(Pan));

        Assert.ThrowsAny<CryptographicException>(() => Protector.Open(sealedBytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(27)]
    public void Truncated_sealed_data_fails_to_open(int length)
    {
        var sealedBytes = Protector.Seal(Encoding.ASCII.GetBytes(Pan));

        Assert.ThrowsAny<CryptographicException>(() => Protector.Open(sealedBytes.AsSpan(0, length)));
    }

    [Fact]
    public void Sealed_data_cut_short_in_its_ciphertext_fails_to_open()
    {
        var sealedBytes = Protector.Seal(Encoding.ASCII.GetBytes(Pan));

        Assert.ThrowsAny<CryptographicException>(() => Protector.Open(sealedBytes.AsSpan(0, sealedBytes.Length - 1)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    public void A_master_key_shorter_than_32_bytes_is_rejected(int length)
    {
        Assert.Throws<ArgumentException>(() => new CardDataProtector(new byte[length]));
        Assert.Throws<ArgumentException>(() => CardDataProtector.FromHex(new string('a', length * 2)));
    }

    [Fact]
    public void A_longer_master_key_is_accepted()
    {
        var protector = CardDataProtector.FromHex(KeyHex + KeyHex);
        Assert.StartsWith("acct-", protector.AccountKey(Pan));
    }

    [Theory]
    [InlineData("zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1")] // odd length
    [InlineData("00 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    public void A_master_key_that_is_not_hex_is_rejected(string hex)
    {
        var error = Assert.Throws<ArgumentException>(() => CardDataProtector.FromHex(hex));
        Assert.DoesNotContain(hex, error.Message);
    }
}
