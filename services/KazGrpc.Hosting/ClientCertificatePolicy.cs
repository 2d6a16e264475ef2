namespace KazGrpc.Hosting;

/// <summary>Whether a host asks its callers for a TLS client certificate (<c>Hosting:Tls:ClientCertificateMode</c>).</summary>
public enum ClientCertificatePolicy
{
    /// <summary>No client certificate is asked for (server TLS only).</summary>
    None,

    /// <summary>A client certificate is asked for and checked when sent; a caller without one is served too.</summary>
    Allow,

    /// <summary>Mutual TLS: a caller without a valid client certificate is refused in the handshake.</summary>
    Require,
}
