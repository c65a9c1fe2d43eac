namespace Switch.Protocol.Iso8583;

/// <summary>The data elements of ISO 8583:1993 (format in <see cref="FieldTable"/>).</summary>
internal static class Iso93Table
{
    public const string Fields = """
        2 n ..19 Primary account number
        3 n 6 Processing code
        4 n 12 Amount, transaction
        5 n 12 Amount, reconciliation
        6 n 12 Amount, cardholder billing
        7 n 10 Date and time, transmission
        8 n 8 Amount, cardholder billing fee
        9 n 8 Conversion rate, reconciliation
        10 n 8 Conversion rate, cardholder billing
        11 n 6 Systems trace audit number
        12 n 12 Date and time, local transaction
        13 n 4 Date, effective
        14 n 4 Date, expiration
        15 n 6 Date, settlement
        16 n 4 Date, conversion
        17 n 4 Date, capture
        18 n 4 Merchant type
        19 n 3 Country code, acquiring institution
        20 n 3 Country code, primary account number
        21 n 3 Country code, forwarding institution
        22 an 12 Point of service data code
        23 n 3 Card sequence number
        24 n 3 Function code
        25 n 4 Message reason code
        26 n 4 Card acceptor business code
        27 n 1 Approval code length
        28 n 6 Date, reconciliation
        29 n 3 Reconciliation indicator
        30 n 24 Amounts, original
        31 ans ..99 Acquirer reference data
        32 n ..11 Acquiring institution identification code
        33 n ..11 Forwarding institution identification code
        34 ans ..28 Primary account number, extended
        35 z ..37 Track 2 data
        36 ans ..104 Track 3 data
        37 an 12 Retrieval reference number
        38 an 6 Approval code
        39 n 3 Action code
        40 n 3 Service code
        41 ans 8 Card acceptor terminal identification
        42 ans 15 Card acceptor identification code
        43 ans ..99 Card acceptor name/location
        44 ans ..99 Additional response data
        45 ans ..76 Track 1 data
        46 ans ..204 Amounts, fees
        47 ans ..999 Additional data, national
        48 ans ..999 Additional data, private
        49 an 3 Currency code, transaction
        50 an 3 Currency code, reconciliation
        51 an 3 Currency code, cardholder billing
        52 b 8 Personal identification number data
        53 b ..48 Security related control information
        54 ans ..120 Amounts, additional
        55 b ..255 Integrated circuit card system related data
        56 n ..35 Original data elements
        57 n 3 Authorization life cycle code
        58 n ..11 Authorizing agent institution identification code
        59 ans ..999 Transport data
        60 ans ..999 Reserved national
        61 ans ..999 Reserved national
        62 ans ..999 Reserved private
        63 ans ..999 Reserved private
        64 b 8 Message authentication code
        65 b 8 Reserved ISO
        66 ans ..204 Amounts, original fees
        67 n 2 Extended payment data
        68 n 3 Country code, receiving institution
        69 n 3 Country code, settlement institution
        70 n 3 Country code, authorizing agent institution
        71 n 8 Message number
        72 ans ..999 Data record
        73 n 6 Date, action
        74 n 10 Credits, number
        75 n 10 Credits, reversal number
        76 n 10 Debits, number
        77 n 10 Debits, reversal number
        78 n 10 Transfer, number
        79 n 10 Transfer, reversal number
        80 n 10 Inquiries, number
        81 n 10 Authorizations, number
        82 n 10 Inquiries, reversal number
        83 n 10 Payments, number
        84 n 10 Payments, reversal number
        85 n 10 Fee collections, number
        86 n 16 Credits, amount
        87 n 16 Credits, reversal amount
        88 n 16 Debits, amount
        89 n 16 Debits, reversal amount
        90 n 10 Authorizations, reversal number
        91 n 3 Country code, transaction destination institution
        92 n 3 Country code, transaction originator institution
        93 n ..11 Transaction destination institution identification code
        94 n ..11 Transaction originator institution identification code
        95 ans ..99 Card issuer reference data
        96 b ..999 Key management data
        97 x+n 17 Amount, net reconciliation
        98 ans 25 Payee
        99 an ..11 Settlement institution identification code
        100 n ..11 Receiving institution identification code
        101 ans ..17 File name
        102 ans ..28 Account identification 1
        103 ans ..28 Account identification 2
        104 ans ..100 Transaction description
        105 n 16 Credits, chargeback amount
        106 n 16 Debits, chargeback amount
        107 n 10 Credits, chargeback number
        108 n 10 Debits, chargeback number
        109 ans ..84 Credits, fee amounts
        110 ans ..84 Debits, fee amounts
        111 ans ..999 Reserved ISO
        112 ans ..999 Reserved ISO
        113 ans ..999 Reserved ISO
        114 ans ..999 Reserved ISO
        115 ans ..999 Reserved ISO
        116 ans ..999 Reserved national
        117 ans ..999 Reserved national
        118 ans ..999 Reserved national
        119 ans ..999 Reserved national
        120 ans ..999 Reserved national
        121 ans ..999 Reserved national
        122 ans ..999 Reserved national
        123 ans ..999 Reserved private
        124 ans ..999 Reserved private
        125 ans ..999 Reserved private
        126 ans ..999 Reserved private
        127 ans ..999 Reserved private
        128 b 8 Message authentication code
        """;
}
