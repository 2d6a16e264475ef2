namespace KazGrpc.Tls;

/// <summary>What the peer whose certificate is checked is to us.</summary>
public enum PeerRole
{
    /// <summary>A server we connect to: its certificate must be valid for server authentication and name the host we asked for.</summary>
    Server,

    /// <summary>A client that connects to us: its certificate must be valid for client authentication.</summary>
    Client,
}
