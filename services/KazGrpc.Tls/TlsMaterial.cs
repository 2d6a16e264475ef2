using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Tls;

/// <summary>
/// A certificate with its key and a CA bundle, read from PEM files and read again when they change,
/// so that new TLS handshakes use the new ones without a restart. Changes are noticed by a
/// <see cref="FileSystemWatcher"/> on the files' directories (a burst of events, as editors and the
/// kubelet write temporary files and rename them, is checked once it has been quiet for a moment)
/// and by a periodic check, which also covers file systems that report nothing. A check compares the
/// files' SHA-256 with what is loaded, so nothing is reloaded for an unrelated event; files that do
/// not load (half written, a certificate whose new key has not arrived yet) leave the current
/// material in use and are logged once at Warning. Loads and reloads are logged at Information with
/// the certificate's subject, serial and thumbprint, never key material. Thread-safe; dispose it to
/// stop watching.
/// </summary>
public sealed class TlsMaterial : IDisposable
{
    /// <summary>How long the files' directory must be quiet after a change before they are read.</summary>
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    private readonly TlsFile? _certificateFile;
    private readonly TlsFile? _keyFile;
    private readonly TlsFile? _authoritiesFile;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly ITimer _poll;
    private readonly ITimer _debounce;
    private PemCertificate? _certificate;
    private X509Certificate2Collection? _authorities;
    private byte[]? _certificateHash;
    private byte[]? _authoritiesHash;
    private string? _certificateFailure;
    private string? _authoritiesFailure;
    private long _version;
    private bool _disposed;

    /// <summary>Loads the files and starts watching them.</summary>
    /// <param name="certificate">The certificate chain (PEM: the certificate first, then intermediates); null for none.</param>
    /// <param name="key">Its private key's file; null when the certificate's file holds the key too.
    /// When it names the certificate's file, errors name its setting and that file.</param>
    /// <param name="authorities">The CA bundle that peers must chain to; null for none.</param>
    /// <param name="reloadInterval">How often the files are checked besides the watcher's events.</param>
    /// <param name="time">The clock of the checks and of the validity warnings.</param>
    /// <param name="logger">Where loads, reloads and failed reloads are logged.</param>
    /// <exception cref="InvalidOperationException">A file is missing or does not load; the message names its setting and the file.</exception>
    public TlsMaterial(TlsFile? certificate, TlsFile? key, TlsFile? authorities, TimeSpan reloadInterval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(reloadInterval, TimeSpan.Zero);
        _certificateFile = certificate;
        _keyFile = certificate is null ? null : key ?? certificate;
        _authoritiesFile = authorities;
        _time = time;
        _logger = logger;
        if (certificate is not null)
        {
            LoadCertificate(initial: true);
        }

        if (authorities is not null)
        {
            LoadAuthorities(initial: true);
        }

        _debounce = time.CreateTimer(_ => CheckSafely(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _poll = time.CreateTimer(_ => CheckSafely(), null, reloadInterval, reloadInterval);
        Watch(reloadInterval);
    }

    /// <summary>The certificate now in use; null when none is configured.</summary>
    public PemCertificate? Certificate => Volatile.Read(ref _certificate);

    /// <summary>The CAs now trusted; null when none are configured.</summary>
    public X509Certificate2Collection? Authorities => Volatile.Read(ref _authorities);

    /// <summary>Where <see cref="Authorities"/> come from, for messages; null when none are configured.</summary>
    public TlsFile? AuthoritiesFile => _authoritiesFile;

    /// <summary>Counts the reloads that took effect (0 after loading).</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Reads the files now and takes what changed and loads; what the watcher and the periodic check call.</summary>
    public void CheckNow()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_certificateFile is not null)
            {
                LoadCertificate(initial: false);
            }

            if (_authoritiesFile is not null)
            {
                LoadAuthorities(initial: false);
            }
        }
    }

    /// <summary>Stops watching. The material stays readable.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _poll.Dispose();
        _debounce.Dispose();
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
    }

    private void LoadCertificate(bool initial)
    {
        try
        {
            var certificateBytes = PemFiles.Read(_certificateFile!);
            var keyBytes = _keyFile!.Path == _certificateFile!.Path ? certificateBytes : PemFiles.Read(_keyFile);
            var hash = Hash(certificateBytes, keyBytes);
            if (_certificateHash is not null && hash.AsSpan().SequenceEqual(_certificateHash))
            {
                _certificateFailure = null;
                return;
            }

            var loaded = PemFiles.ParseCertificate(_certificateFile, Encoding.UTF8.GetString(certificateBytes), _keyFile, Encoding.UTF8.GetString(keyBytes));
            Volatile.Write(ref _certificate, loaded);
            _certificateHash = hash;
            _certificateFailure = null;
            var description = PemFiles.Describe(loaded.Certificate);
            if (initial)
            {
                TlsLog.CertificateLoaded(_logger, _certificateFile, description);
            }
            else
            {
                Interlocked.Increment(ref _version);
                TlsLog.CertificateReloaded(_logger, _certificateFile, description);
            }

            var now = _time.GetUtcNow().UtcDateTime;
            if (now > loaded.Certificate.NotAfter.ToUniversalTime() || now < loaded.Certificate.NotBefore.ToUniversalTime())
            {
                TlsLog.CertificateNotValidNow(_logger, _certificateFile, description);
            }
        }
        catch (InvalidOperationException ex) when (!initial)
        {
            Failed(ref _certificateFailure, ex.Message);
        }
    }

    private void LoadAuthorities(bool initial)
    {
        try
        {
            var bytes = PemFiles.Read(_authoritiesFile!);
            var hash = Hash(bytes, []);
            if (_authoritiesHash is not null && hash.AsSpan().SequenceEqual(_authoritiesHash))
            {
                _authoritiesFailure = null;
                return;
            }

            var loaded = PemFiles.ParseAuthorities(_authoritiesFile!, Encoding.UTF8.GetString(bytes));
            Volatile.Write(ref _authorities, loaded);
            _authoritiesHash = hash;
            _authoritiesFailure = null;
            var subjects = string.Join(", ", loaded.Select(c => $"'{c.Subject}'"));
            if (initial)
            {
                TlsLog.AuthoritiesLoaded(_logger, _authoritiesFile!, loaded.Count, subjects);
            }
            else
            {
                Interlocked.Increment(ref _version);
                TlsLog.AuthoritiesReloaded(_logger, _authoritiesFile!, loaded.Count, subjects);
            }
        }
        catch (InvalidOperationException ex) when (!initial)
        {
            Failed(ref _authoritiesFailure, ex.Message);
        }
    }

    // The same broken files are seen at every check until they are fixed: said once.
    private void Failed(ref string? last, string reason)
    {
        if (reason != last)
        {
            last = reason;
            TlsLog.ReloadFailed(_logger, reason);
        }
    }

    private void CheckSafely()
    {
        try
        {
            CheckNow();
        }
        catch (Exception ex)
        {
            // A timer thread must not die of it; the next check tries again.
            TlsLog.CheckFailed(_logger, ex);
        }
    }

    private void Watch(TimeSpan reloadInterval)
    {
        var directories = new[] { _certificateFile, _keyFile, _authoritiesFile }
            .Where(f => f is not null)
            .Select(f => Path.GetDirectoryName(Path.GetFullPath(f!.Path))!)
            .Distinct(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            try
            {
                // The whole directory: a Kubernetes secret volume swaps a symbolic link to a new
                // directory, and editors rename temporary files over the old ones.
                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                watcher.Changed += (_, _) => Changed();
                watcher.Created += (_, _) => Changed();
                watcher.Deleted += (_, _) => Changed();
                watcher.Renamed += (_, _) => Changed();
                watcher.Error += (_, _) => Changed();
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                // E.g. the inotify instance limit: the periodic check still sees every change.
                TlsLog.WatchUnavailable(_logger, directory, ex.Message, reloadInterval);
            }
        }
    }

    private void Changed()
    {
        try
        {
            _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while an event was on its way.
        }
    }

    private static byte[] Hash(byte[] first, byte[] second)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(first);
        hash.AppendData(second);
        return hash.GetHashAndReset();
    }
}
