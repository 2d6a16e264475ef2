from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
EMBED_INPUT_TYPE_PASSAGE: EmbedInputType
EMBED_INPUT_TYPE_QUERY: EmbedInputType
EMBED_INPUT_TYPE_UNSPECIFIED: EmbedInputType
FINISH_REASON_ABORTED: FinishReason
FINISH_REASON_EOS: FinishReason
FINISH_REASON_LENGTH: FinishReason
FINISH_REASON_STOP_SEQUENCE: FinishReason
FINISH_REASON_UNSPECIFIED: FinishReason
MODEL_KIND_EMBEDDING: ModelKind
MODEL_KIND_GENERATION: ModelKind
MODEL_KIND_UNSPECIFIED: ModelKind
MODEL_STATE_FAILED: ModelState
MODEL_STATE_LOADING: ModelState
MODEL_STATE_READY: ModelState
MODEL_STATE_UNSPECIFIED: ModelState
SCRIPT_CYRILLIC: Script
SCRIPT_LATIN: Script
SCRIPT_UNSPECIFIED: Script
SENSITIVE_NUMBER_KIND_BIN: SensitiveNumberKind
SENSITIVE_NUMBER_KIND_IIN: SensitiveNumberKind
SENSITIVE_NUMBER_KIND_PHONE: SensitiveNumberKind
SENSITIVE_NUMBER_KIND_UNSPECIFIED: SensitiveNumberKind
SENSITIVE_NUMBER_POLICY_ALLOW: SensitiveNumberPolicy
SENSITIVE_NUMBER_POLICY_MASK: SensitiveNumberPolicy
SENSITIVE_NUMBER_POLICY_REJECT: SensitiveNumberPolicy
SENSITIVE_NUMBER_POLICY_UNSPECIFIED: SensitiveNumberPolicy

class AbortRequest(_message.Message):
    __slots__ = ["request_id"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class AbortResponse(_message.Message):
    __slots__ = ["was_running"]
    WAS_RUNNING_FIELD_NUMBER: _ClassVar[int]
    was_running: bool
    def __init__(self, was_running: bool = ...) -> None: ...

class ChatMessage(_message.Message):
    __slots__ = ["content", "role"]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    content: str
    role: str
    def __init__(self, role: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class CompleteResponse(_message.Message):
    __slots__ = ["finish_reason", "logprobs", "request_id", "sensitive_spans", "text", "timings", "token_ids", "usage"]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_SPANS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    TOKEN_IDS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    finish_reason: FinishReason
    logprobs: _containers.RepeatedCompositeFieldContainer[TokenLogprob]
    request_id: str
    sensitive_spans: _containers.RepeatedCompositeFieldContainer[SensitiveSpan]
    text: str
    timings: Timings
    token_ids: _containers.RepeatedScalarFieldContainer[int]
    usage: Usage
    def __init__(self, text: _Optional[str] = ..., token_ids: _Optional[_Iterable[int]] = ..., finish_reason: _Optional[_Union[FinishReason, str]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., timings: _Optional[_Union[Timings, _Mapping]] = ..., logprobs: _Optional[_Iterable[_Union[TokenLogprob, _Mapping]]] = ..., request_id: _Optional[str] = ..., sensitive_spans: _Optional[_Iterable[_Union[SensitiveSpan, _Mapping]]] = ...) -> None: ...

class EmbedRequest(_message.Message):
    __slots__ = ["input_script", "input_type", "inputs", "model", "normalize", "priority", "request_id", "return_sensitive_spans", "sensitive_numbers", "truncate"]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCRIPT_FIELD_NUMBER: _ClassVar[int]
    INPUT_TYPE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    NORMALIZE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RETURN_SENSITIVE_SPANS_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    TRUNCATE_FIELD_NUMBER: _ClassVar[int]
    input_script: Script
    input_type: EmbedInputType
    inputs: _containers.RepeatedScalarFieldContainer[str]
    model: str
    normalize: bool
    priority: int
    request_id: str
    return_sensitive_spans: bool
    sensitive_numbers: SensitiveNumberPolicy
    truncate: bool
    def __init__(self, model: _Optional[str] = ..., inputs: _Optional[_Iterable[str]] = ..., normalize: bool = ..., truncate: bool = ..., priority: _Optional[int] = ..., request_id: _Optional[str] = ..., input_type: _Optional[_Union[EmbedInputType, str]] = ..., input_script: _Optional[_Union[Script, str]] = ..., sensitive_numbers: _Optional[_Union[SensitiveNumberPolicy, str]] = ..., return_sensitive_spans: bool = ...) -> None: ...

class EmbedResponse(_message.Message):
    __slots__ = ["embeddings", "model", "sensitive_spans", "usage"]
    EMBEDDINGS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_SPANS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    embeddings: _containers.RepeatedCompositeFieldContainer[Embedding]
    model: str
    sensitive_spans: _containers.RepeatedCompositeFieldContainer[SensitiveSpan]
    usage: Usage
    def __init__(self, embeddings: _Optional[_Iterable[_Union[Embedding, _Mapping]]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., model: _Optional[str] = ..., sensitive_spans: _Optional[_Iterable[_Union[SensitiveSpan, _Mapping]]] = ...) -> None: ...

class Embedding(_message.Message):
    __slots__ = ["index", "values"]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    index: int
    values: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, values: _Optional[_Iterable[float]] = ..., index: _Optional[int] = ...) -> None: ...

class GenerateRequest(_message.Message):
    __slots__ = ["input_script", "messages", "model", "parameters", "priority", "prompt", "request_id", "return_sensitive_spans", "sensitive_numbers", "token_ids"]
    INPUT_SCRIPT_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RETURN_SENSITIVE_SPANS_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    TOKEN_IDS_FIELD_NUMBER: _ClassVar[int]
    input_script: Script
    messages: _containers.RepeatedCompositeFieldContainer[ChatMessage]
    model: str
    parameters: GenerationParameters
    priority: int
    prompt: str
    request_id: str
    return_sensitive_spans: bool
    sensitive_numbers: SensitiveNumberPolicy
    token_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, model: _Optional[str] = ..., prompt: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[ChatMessage, _Mapping]]] = ..., token_ids: _Optional[_Iterable[int]] = ..., parameters: _Optional[_Union[GenerationParameters, _Mapping]] = ..., request_id: _Optional[str] = ..., priority: _Optional[int] = ..., input_script: _Optional[_Union[Script, str]] = ..., sensitive_numbers: _Optional[_Union[SensitiveNumberPolicy, str]] = ..., return_sensitive_spans: bool = ...) -> None: ...

class GenerateResponse(_message.Message):
    __slots__ = ["chunk", "final", "request_id"]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    chunk: GenerationChunk
    final: GenerationFinal
    request_id: str
    def __init__(self, chunk: _Optional[_Union[GenerationChunk, _Mapping]] = ..., final: _Optional[_Union[GenerationFinal, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GenerationChunk(_message.Message):
    __slots__ = ["logprobs", "text", "token_ids"]
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TOKEN_IDS_FIELD_NUMBER: _ClassVar[int]
    logprobs: _containers.RepeatedCompositeFieldContainer[TokenLogprob]
    text: str
    token_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, text: _Optional[str] = ..., token_ids: _Optional[_Iterable[int]] = ..., logprobs: _Optional[_Iterable[_Union[TokenLogprob, _Mapping]]] = ...) -> None: ...

class GenerationFinal(_message.Message):
    __slots__ = ["finish_reason", "sensitive_spans", "timings", "usage"]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_SPANS_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    finish_reason: FinishReason
    sensitive_spans: _containers.RepeatedCompositeFieldContainer[SensitiveSpan]
    timings: Timings
    usage: Usage
    def __init__(self, finish_reason: _Optional[_Union[FinishReason, str]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., timings: _Optional[_Union[Timings, _Mapping]] = ..., sensitive_spans: _Optional[_Iterable[_Union[SensitiveSpan, _Mapping]]] = ...) -> None: ...

class GenerationParameters(_message.Message):
    __slots__ = ["frequency_penalty", "ignore_eos", "logit_bias", "logprobs", "max_new_tokens", "min_new_tokens", "min_p", "presence_penalty", "repetition_penalty", "seed", "stop", "stop_token_ids", "temperature", "top_k", "top_p"]
    class LogitBiasEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: int
        value: float
        def __init__(self, key: _Optional[int] = ..., value: _Optional[float] = ...) -> None: ...
    FREQUENCY_PENALTY_FIELD_NUMBER: _ClassVar[int]
    IGNORE_EOS_FIELD_NUMBER: _ClassVar[int]
    LOGIT_BIAS_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    MAX_NEW_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MIN_NEW_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MIN_P_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_PENALTY_FIELD_NUMBER: _ClassVar[int]
    REPETITION_PENALTY_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    STOP_TOKEN_IDS_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    frequency_penalty: float
    ignore_eos: bool
    logit_bias: _containers.ScalarMap[int, float]
    logprobs: int
    max_new_tokens: int
    min_new_tokens: int
    min_p: float
    presence_penalty: float
    repetition_penalty: float
    seed: int
    stop: _containers.RepeatedScalarFieldContainer[str]
    stop_token_ids: _containers.RepeatedScalarFieldContainer[int]
    temperature: float
    top_k: int
    top_p: float
    def __init__(self, max_new_tokens: _Optional[int] = ..., temperature: _Optional[float] = ..., top_k: _Optional[int] = ..., top_p: _Optional[float] = ..., repetition_penalty: _Optional[float] = ..., seed: _Optional[int] = ..., stop: _Optional[_Iterable[str]] = ..., ignore_eos: bool = ..., logprobs: _Optional[int] = ..., min_p: _Optional[float] = ..., presence_penalty: _Optional[float] = ..., frequency_penalty: _Optional[float] = ..., logit_bias: _Optional[_Mapping[int, float]] = ..., stop_token_ids: _Optional[_Iterable[int]] = ..., min_new_tokens: _Optional[int] = ...) -> None: ...

class GetModelRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ["models"]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[ModelInfo]
    def __init__(self, models: _Optional[_Iterable[_Union[ModelInfo, _Mapping]]] = ...) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ["embedding_dimensions", "execution_provider", "kind", "kv_cache_slot_tokens", "kv_cache_slots", "kv_cache_usage", "max_batch_size", "max_context_tokens", "name", "passage_prefix", "query_prefix", "running_requests", "state", "state_reason", "tokenizer", "waiting_requests"]
    EMBEDDING_DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    KV_CACHE_SLOTS_FIELD_NUMBER: _ClassVar[int]
    KV_CACHE_SLOT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    KV_CACHE_USAGE_FIELD_NUMBER: _ClassVar[int]
    MAX_BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_CONTEXT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PASSAGE_PREFIX_FIELD_NUMBER: _ClassVar[int]
    QUERY_PREFIX_FIELD_NUMBER: _ClassVar[int]
    RUNNING_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_REASON_FIELD_NUMBER: _ClassVar[int]
    TOKENIZER_FIELD_NUMBER: _ClassVar[int]
    WAITING_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    embedding_dimensions: int
    execution_provider: str
    kind: ModelKind
    kv_cache_slot_tokens: int
    kv_cache_slots: int
    kv_cache_usage: float
    max_batch_size: int
    max_context_tokens: int
    name: str
    passage_prefix: str
    query_prefix: str
    running_requests: int
    state: ModelState
    state_reason: str
    tokenizer: str
    waiting_requests: int
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[ModelKind, str]] = ..., tokenizer: _Optional[str] = ..., max_context_tokens: _Optional[int] = ..., embedding_dimensions: _Optional[int] = ..., state: _Optional[_Union[ModelState, str]] = ..., state_reason: _Optional[str] = ..., execution_provider: _Optional[str] = ..., max_batch_size: _Optional[int] = ..., kv_cache_slots: _Optional[int] = ..., running_requests: _Optional[int] = ..., waiting_requests: _Optional[int] = ..., kv_cache_usage: _Optional[float] = ..., kv_cache_slot_tokens: _Optional[int] = ..., query_prefix: _Optional[str] = ..., passage_prefix: _Optional[str] = ...) -> None: ...

class SensitiveSpan(_message.Message):
    __slots__ = ["end", "index", "kind", "start"]
    END_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    end: int
    index: int
    kind: SensitiveNumberKind
    start: int
    def __init__(self, kind: _Optional[_Union[SensitiveNumberKind, str]] = ..., index: _Optional[int] = ..., start: _Optional[int] = ..., end: _Optional[int] = ...) -> None: ...

class Timings(_message.Message):
    __slots__ = ["queue_ms", "time_to_first_token_ms", "total_ms"]
    QUEUE_MS_FIELD_NUMBER: _ClassVar[int]
    TIME_TO_FIRST_TOKEN_MS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_MS_FIELD_NUMBER: _ClassVar[int]
    queue_ms: float
    time_to_first_token_ms: float
    total_ms: float
    def __init__(self, queue_ms: _Optional[float] = ..., time_to_first_token_ms: _Optional[float] = ..., total_ms: _Optional[float] = ...) -> None: ...

class TokenLogprob(_message.Message):
    __slots__ = ["logprob", "token_id", "top_logprobs"]
    LOGPROB_FIELD_NUMBER: _ClassVar[int]
    TOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    TOP_LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    logprob: float
    token_id: int
    top_logprobs: _containers.RepeatedCompositeFieldContainer[TopLogprob]
    def __init__(self, token_id: _Optional[int] = ..., logprob: _Optional[float] = ..., top_logprobs: _Optional[_Iterable[_Union[TopLogprob, _Mapping]]] = ...) -> None: ...

class TopLogprob(_message.Message):
    __slots__ = ["logprob", "token_id"]
    LOGPROB_FIELD_NUMBER: _ClassVar[int]
    TOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    logprob: float
    token_id: int
    def __init__(self, token_id: _Optional[int] = ..., logprob: _Optional[float] = ...) -> None: ...

class Usage(_message.Message):
    __slots__ = ["completion_tokens", "prompt_tokens"]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    completion_tokens: int
    prompt_tokens: int
    def __init__(self, prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ...) -> None: ...

class ModelKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ModelState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class FinishReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Script(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SensitiveNumberPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SensitiveNumberKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class EmbedInputType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
