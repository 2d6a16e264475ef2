namespace KazGrpc.Tls;

/// <summary>A file that TLS material is read from, with the setting that named it, so that every
/// error can say which setting and which file are at fault.</summary>
/// <param name="Setting">The configuration key, e.g. <c>Hosting:Tls:CertificatePath</c>.</param>
/// <param name="Path">The file's path as configured.</param>
public sealed record TlsFile(string Setting, string Path)
{
    /// <summary>The setting and the file, for messages: <c>Hosting:Tls:CertificatePath (/etc/kazgrpc/server.crt)</c>.</summary>
    public override string ToString() => $"{Setting} ({Path})";
}
