namespace Switch.Protocol.Iso8583;

/// <summary>The ISO 8583 content class of a field: what characters its value may hold.</summary>
public enum ContentType : byte
{
    /// <summary>n: decimal digits only.</summary>
    N,
    /// <summary>a: letters (and spaces).</summary>
    A,
    /// <summary>an: letters, digits (and spaces).</summary>
    An,
    /// <summary>ans: any printable character (also x+n amounts).</summary>
    Ans,
    /// <summary>b: raw bytes.</summary>
    B,
    /// <summary>z: track 2/3 code set (digits and the '=' separator).</summary>
    Z,
}
