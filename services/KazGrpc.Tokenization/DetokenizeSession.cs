using System.Runtime.InteropServices;
using KazGrpc.Core;

namespace KazGrpc.Tokenization;

/// <summary>
/// The sequences open on one DetokenizeStream. A sequence is created by its first request,
/// forgotten when it finishes or fails, and all are forgotten with the session. Not thread-safe:
/// a stream's requests are processed one at a time.
/// </summary>
public sealed class DetokenizeSession
{
    private readonly TokenizationService _service;
    private readonly TokenizationOptions _limits;
    private readonly Dictionary<string, (TokenizerDefinition Tokenizer, IncrementalDecoder Decoder)> _sequences = new(StringComparer.Ordinal);

    internal DetokenizeSession(TokenizationService service, TokenizationOptions limits)
    {
        _service = service;
        _limits = limits;
    }

    /// <summary>
    /// Appends <paramref name="ids"/> to a sequence and returns the characters they complete; with
    /// <paramref name="finish"/>, also what was held back, and forgets the sequence. On error the
    /// sequence is forgotten and the exception says why.
    /// </summary>
    public string Process(string tokenizer, string sequenceId, ReadOnlySpan<uint> ids, bool finish, bool skipSpecialTokens)
    {
        FieldRules.Required(sequenceId, "sequence_id");
        FieldRules.AtMostBytes(sequenceId, "sequence_id", _limits.MaxIdBytes);
        try
        {
            if (!_sequences.TryGetValue(sequenceId, out var sequence))
            {
                if (string.IsNullOrEmpty(tokenizer))
                {
                    throw new RequestValidationException("tokenizer", $"`tokenizer` is required on the first request of sequence '{sequenceId}'");
                }

                if (_sequences.Count >= _limits.MaxSequencesPerStream)
                {
                    // A slot frees when the caller finishes one of its sequences, which only it knows.
                    throw new OverloadedException(
                        $"`sequence_id` '{sequenceId}' would open a sequence over the limit of {_limits.MaxSequencesPerStream} open sequences per DetokenizeStream; finish one first",
                        TimeSpan.FromSeconds(1));
                }

                var definition = _service.GetTokenizer(tokenizer);
                sequence = (definition, new IncrementalDecoder(definition.Bytes, skipSpecialTokens));
                _sequences[sequenceId] = sequence;
            }
            else if (tokenizer.Length > 0 && tokenizer != sequence.Tokenizer.Name)
            {
                throw new RequestValidationException("tokenizer", $"`tokenizer` must stay '{sequence.Tokenizer.Name}' for sequence '{sequenceId}'; got '{tokenizer}'");
            }

            RequestLimits.Ids(ids, sequence.Tokenizer, "ids");
            var text = sequence.Decoder.Append(MemoryMarshal.Cast<uint, int>(ids));
            if (finish)
            {
                _sequences.Remove(sequenceId);
                text += sequence.Decoder.Finish();
            }

            return text;
        }
        catch
        {
            _sequences.Remove(sequenceId);
            throw;
        }
    }

    /// <summary>Forgets sequence <paramref name="sequenceId"/>, as a failed request does, when one of its
    /// requests was refused before it reached the session (the caller over its rate of stream messages).</summary>
    public void Forget(string sequenceId) => _sequences.Remove(sequenceId);
}
