namespace Switch.Protocol.Iso8583;

/// <summary>Postilion's DE 127 subfields and the 127.25 ICC data subfields (format in <see cref="FieldTable"/>).</summary>
internal static class PostilionTable
{
    public const string Private = """
        2 ans ..32 Switch key
        3 ans 48 Routing information
        4 ans 22 POS data
        5 ans 73 Service station data
        6 n 2 Authorization profile
        7 ans ..50 Check data
        8 ans ..128 Retention data
        9 ans ..255 Additional node data
        10 n 3 CVV2
        11 ans ..32 Original key
        12 ans ..25 Terminal owner
        13 ans 17 POS geographic data
        14 ans 8 Sponsor bank
        15 ans ..29 Address verification data
        16 ans 1 Address verification result
        17 ans ..50 Cardholder information
        18 ans ..50 Validation data
        19 ans 45 Bank details
        20 n 8 Originator / authorizer date settlement
        21 ans ..12 Record identification
        22 ans ..99999 Structured data
        23 ans 253 Payee name and address
        24 ans ..28 Payer account information
        25 b ..8000 ICC data
        """;

    public const string IccData = """
        2 n 12 Amount authorized
        3 n 12 Amount other
        4 ans ..32 Application identifier
        5 ans 4 Application interchange profile
        6 ans 4 Application transaction counter
        7 ans 4 Application usage control
        8 ans 2 Authorization response code
        9 ans 1 Card authentication reliability indicator
        10 ans 1 Card authentication result code
        11 ans 1 Chip condition code
        12 ans 16 Cryptogram
        13 ans 2 Cryptogram information data
        14 ans ..504 Cardholder verification method list
        15 ans 6 Cardholder verification method results
        16 ans 8 Interface device serial number
        17 ans 10 Issuer action code
        18 ans ..64 Issuer application data
        19 ans 10 Issuer script results
        20 ans 4 Terminal application version number
        21 ans 6 Terminal capabilities
        22 n 3 Terminal country code
        23 ans 2 Terminal type
        24 ans 10 Terminal verification result
        25 ans 1 Transaction category code
        26 n 3 Transaction currency code
        27 n 6 Transaction date
        28 ans ..8 Transaction sequence counter
        29 n 2 Transaction type
        30 ans 8 Unpredictable number
        31 ans ..32 Issuer authentication data
        32 ans ..3354 Issuer script template 1
        33 ans ..3354 Issuer script template 2
        """;
}
