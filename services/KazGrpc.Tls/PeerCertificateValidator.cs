using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KazGrpc.Tls;

/// <summary>
/// Checks a peer's certificate against configured CAs alone: the chain must end at one of them
/// (<see cref="X509ChainTrustMode.CustomRootTrust"/>; the system's roots count for nothing), every
/// certificate in it must be valid at the time given, the leaf must be meant for the peer's role
/// (extended key usage, where it has one), and a server's must name the host asked for. Revocation is
/// not checked (no CRL or OCSP is configured); nothing is downloaded.
/// </summary>
public static class PeerCertificateValidator
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>Returns null when <paramref name="certificate"/> is acceptable, else why not, in words
    /// that name the certificate and where the trusted CAs come from.</summary>
    /// <param name="certificate">The peer's certificate.</param>
    /// <param name="presented">The chain the TLS stack built for it, whose extra store holds the
    /// intermediates the peer sent; only those are used from it, never its trust verdict.</param>
    /// <param name="authorities">The trust anchors.</param>
    /// <param name="authoritiesSource">Where they came from, for the message (e.g. <c>Hosting:Tls:ClientCaPath (/etc/ca.crt)</c>).</param>
    /// <param name="role">What the peer is to us.</param>
    /// <param name="hostName">For a server: the host name or IP address we connected to; null skips the name check.</param>
    /// <param name="now">The time validity is judged at.</param>
    public static string? Validate(
        X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection authorities, string authoritiesSource, PeerRole role, string? hostName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(authorities);
        var who = role == PeerRole.Server ? "the server's certificate" : "the client's certificate";
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(authorities);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(role == PeerRole.Server ? ServerAuthentication : ClientAuthentication);
        if (presented is not null)
        {
            policy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    policy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        if (!chain.Build(certificate))
        {
            var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotSignatureValid)) != 0)
            {
                return $"{who} {PemFiles.Describe(certificate)} is not issued by a CA in {authoritiesSource}";
            }

            if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
            {
                return now.UtcDateTime > certificate.NotAfter.ToUniversalTime()
                    ? $"{who} {PemFiles.Describe(certificate)} expired on {certificate.NotAfter.ToUniversalTime():u}"
                    : now.UtcDateTime < certificate.NotBefore.ToUniversalTime()
                        ? $"{who} {PemFiles.Describe(certificate)} is not valid before {certificate.NotBefore.ToUniversalTime():u}"
                        : $"{who} {PemFiles.Describe(certificate)} chains to a CA certificate that is not valid now";
            }

            if ((flags & X509ChainStatusFlags.NotValidForUsage) != 0)
            {
                return $"{who} {PemFiles.Describe(certificate)} is not valid for {(role == PeerRole.Server ? "server" : "client")} authentication (extended key usage)";
            }

            var reasons = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal));
            return $"{who} {PemFiles.Describe(certificate)} was refused: {reasons}";
        }

        if (role == PeerRole.Server && !string.IsNullOrEmpty(hostName) && !certificate.MatchesHostname(hostName, allowWildcards: true, allowCommonName: false))
        {
            return $"{who} {PemFiles.Describe(certificate)} does not name '{hostName}'; it names {Names(certificate)}";
        }

        return null;
    }

    private static string Names(X509Certificate2 certificate)
    {
        var names = new StringBuilder();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var dns in san.EnumerateDnsNames())
                {
                    names.Append(names.Length > 0 ? ", " : string.Empty).Append("DNS:").Append(dns);
                }

                foreach (IPAddress ip in san.EnumerateIPAddresses())
                {
                    names.Append(names.Length > 0 ? ", " : string.Empty).Append("IP:").Append(ip);
                }
            }
        }

        return names.Length > 0 ? names.ToString() : "no subject alternative names";
    }
}
