namespace KazGrpc.Text;

/// <summary>What a <see cref="SensitiveSpan"/> holds.</summary>
public enum SensitiveNumberKind
{
    /// <summary>An individual identification number (ЖСН/ИИН): 12 digits, birth date first, valid check digit.</summary>
    Iin,

    /// <summary>A business identification number (БСН/БИН): 12 digits, registration month first, valid check digit.</summary>
    Bin,

    /// <summary>A Kazakhstan phone number: +7, 8 or 7, then a 10-digit number starting with 7.</summary>
    Phone,
}
