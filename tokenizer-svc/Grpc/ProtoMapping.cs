using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Core;
using KazGrpc.Hosting;
using KazGrpc.Hosting.Security;
using KazGrpc.Tokenization;
using ProtoChatMessage = KazGrpc.Contracts.Tokenizer.V1.ChatMessage;
using ProtoKind = KazGrpc.Contracts.Tokenizer.V1.TokenizerKind;
using ProtoPolicy = KazGrpc.Contracts.Tokenizer.V1.SensitiveNumberPolicy;
using ProtoSensitiveKind = KazGrpc.Contracts.Tokenizer.V1.SensitiveNumberKind;
using ProtoSensitiveSpan = KazGrpc.Contracts.Tokenizer.V1.SensitiveSpan;
using ProtoResult = KazGrpc.Contracts.Tokenizer.V1.TokenizeResult;

namespace KazGrpc.TokenizerSvc.Grpc;

/// <summary>Maps between the contract's messages and the tokenization domain.</summary>
internal static class ProtoMapping
{
    /// <summary>The in-band error of one stream request: the status the error interceptor would give the whole call.</summary>
    public static RequestError ToRequestError(Exception exception)
    {
        var status = StatusMapper.ToStatus(exception, StatusMapper.NewErrorId());
        var error = new RequestError { Code = status.Code, Message = status.Message };
        error.Details.Add(status.Details);
        return error;
    }

    public static TokenizerInfo ToProto(TokenizerDefinition definition)
    {
        var info = new TokenizerInfo
        {
            Name = definition.Name,
            Kind = definition.Kind switch
            {
                Tokenization.TokenizerKind.Tiktoken => ProtoKind.Tiktoken,
                Tokenization.TokenizerKind.SentencePiece => ProtoKind.Sentencepiece,
                Tokenization.TokenizerKind.Bpe => ProtoKind.Bpe,
                Tokenization.TokenizerKind.WordPiece => ProtoKind.Wordpiece,
                _ => ProtoKind.Unspecified,
            },
            VocabSize = (uint)definition.VocabSize,
            MaxTokens = (uint)definition.MaxTokens,
            ChatTemplate = definition.ChatTemplate == ChatTemplateKind.Llama3 ? "llama3" : "plain",
        };
        info.SpecialTokens.Add(definition.SpecialTokens.Select(s => new Contracts.Tokenizer.V1.SpecialToken { Content = s.Content, Id = (uint)s.Id }));
        info.EosTokenIds.Add(definition.EosIds.Select(i => (uint)i));
        if (definition.BosId is int bos)
        {
            info.BosTokenId = (uint)bos;
        }

        if (definition.PadId is int pad)
        {
            info.PadTokenId = (uint)pad;
        }

        return info;
    }

    /// <param name="request">The request.</param>
    /// <param name="caller">Its caller, whose policy for sensitive numbers the request may only tighten; null: allow.</param>
    public static TokenizeCommand ToCommand(TokenizeRequest request, CallerScope? caller) => new()
    {
        Tokenizer = request.Tokenizer,
        Texts = request.Texts,
        AddSpecialTokens = request.AddSpecialTokens,
        ReturnOffsets = request.ReturnOffsets,
        MaxTokens = (int)Math.Min(request.MaxTokens, int.MaxValue),
        AllowSpecialTokens = request.AllowSpecialTokens,
        InputScript = ToDomain(request.InputScript, "input_script"),
        SensitiveNumbers = Policy(request.SensitiveNumbers, caller, "sensitive_numbers"),
        ReturnSensitiveSpans = request.ReturnSensitiveSpans,
    };

    /// <summary>The policy in force: the stricter of <paramref name="caller"/>'s and what the request's <paramref name="field"/> asks.</summary>
    public static Text.SensitiveNumberPolicy Policy(ProtoPolicy requested, CallerScope? caller, string field)
    {
        var asked = requested switch
        {
            ProtoPolicy.Unspecified or ProtoPolicy.Allow => Text.SensitiveNumberPolicy.Allow,
            ProtoPolicy.Mask => Text.SensitiveNumberPolicy.Mask,
            ProtoPolicy.Reject => Text.SensitiveNumberPolicy.Reject,
            _ => throw new RequestValidationException(field,
                $"`{field}` must be SENSITIVE_NUMBER_POLICY_UNSPECIFIED, _ALLOW, _MASK or _REJECT; got {(int)requested}"),
        };
        return Text.SensitiveNumberGuard.Stricter(caller?.SensitiveNumbers ?? Text.SensitiveNumberPolicy.Allow, asked);
    }

    /// <summary>A sensitive number's span as the contract carries it.</summary>
    public static ProtoSensitiveSpan ToProto(Text.SensitiveNumberKind kind, int index, int start, int end) => new()
    {
        Kind = kind switch
        {
            Text.SensitiveNumberKind.Iin => ProtoSensitiveKind.Iin,
            Text.SensitiveNumberKind.Bin => ProtoSensitiveKind.Bin,
            _ => ProtoSensitiveKind.Phone,
        },
        Index = (uint)index,
        Start = (uint)start,
        End = (uint)end,
    };

    /// <summary>The script an <c>input_script</c> field names; null when it names none.</summary>
    public static Text.Script? ToDomain(Script script, string field) => script switch
    {
        Script.Unspecified => null,
        Script.Cyrillic => Text.Script.Cyrillic,
        Script.Latin => Text.Script.Latin,
        _ => throw new RequestValidationException(field, $"`{field}` must be SCRIPT_UNSPECIFIED, SCRIPT_CYRILLIC or SCRIPT_LATIN; got {(int)script}"),
    };

    /// <summary>The script a ConvertScript request converts to, which it must name.</summary>
    public static Text.Script ToTarget(Script script) => ToDomain(script, "target")
        ?? throw new RequestValidationException("target", "`target` is required: SCRIPT_CYRILLIC or SCRIPT_LATIN");

    public static TokenizeResponse ToResponse(Tokenization.TokenizeResult[] results, string requestId)
    {
        var response = new TokenizeResponse { RequestId = requestId };
        foreach (var result in results)
        {
            var proto = new ProtoResult { Truncated = result.Truncated };
            foreach (var id in result.Ids)
            {
                proto.Ids.Add((uint)id);
            }

            if (result.Offsets is { } offsets)
            {
                foreach (var (start, end) in offsets)
                {
                    proto.Offsets.Add(new Offset { Start = (uint)start, End = (uint)end });
                }
            }

            foreach (var (kind, start, end) in result.SensitiveSpans ?? [])
            {
                proto.SensitiveSpans.Add(ToProto(kind, 0, start, end));
            }

            response.Results.Add(proto);
        }

        return response;
    }

    public static Tokenization.ChatMessage[] ToDomain(IEnumerable<ProtoChatMessage> messages) =>
        [.. messages.Select(m => new Tokenization.ChatMessage(m.Role, m.Content))];

    public static uint[] ToArray(Google.Protobuf.Collections.RepeatedField<uint> ids)
    {
        var array = new uint[ids.Count];
        ids.CopyTo(array, 0);
        return array;
    }
}
