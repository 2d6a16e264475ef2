from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import any_pb2 as _any_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
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
TOKENIZER_KIND_BPE: TokenizerKind
TOKENIZER_KIND_SENTENCEPIECE: TokenizerKind
TOKENIZER_KIND_TIKTOKEN: TokenizerKind
TOKENIZER_KIND_UNSPECIFIED: TokenizerKind
TOKENIZER_KIND_WORDPIECE: TokenizerKind

class ApplyChatTemplateRequest(_message.Message):
    __slots__ = ["add_generation_prompt", "messages", "model", "return_sensitive_spans", "sensitive_numbers", "tokenizer"]
    ADD_GENERATION_PROMPT_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    RETURN_SENSITIVE_SPANS_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    TOKENIZER_FIELD_NUMBER: _ClassVar[int]
    add_generation_prompt: bool
    messages: _containers.RepeatedCompositeFieldContainer[ChatMessage]
    model: str
    return_sensitive_spans: bool
    sensitive_numbers: SensitiveNumberPolicy
    tokenizer: str
    def __init__(self, tokenizer: _Optional[str] = ..., model: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[ChatMessage, _Mapping]]] = ..., add_generation_prompt: bool = ..., sensitive_numbers: _Optional[_Union[SensitiveNumberPolicy, str]] = ..., return_sensitive_spans: bool = ...) -> None: ...

class ApplyChatTemplateResponse(_message.Message):
    __slots__ = ["ids", "sensitive_spans", "text"]
    IDS_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_SPANS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[int]
    sensitive_spans: _containers.RepeatedCompositeFieldContainer[SensitiveSpan]
    text: str
    def __init__(self, text: _Optional[str] = ..., ids: _Optional[_Iterable[int]] = ..., sensitive_spans: _Optional[_Iterable[_Union[SensitiveSpan, _Mapping]]] = ...) -> None: ...

class ChatMessage(_message.Message):
    __slots__ = ["content", "role"]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    content: str
    role: str
    def __init__(self, role: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class ConvertScriptRequest(_message.Message):
    __slots__ = ["target", "texts"]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    target: Script
    texts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, texts: _Optional[_Iterable[str]] = ..., target: _Optional[_Union[Script, str]] = ...) -> None: ...

class ConvertScriptResponse(_message.Message):
    __slots__ = ["texts"]
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    texts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, texts: _Optional[_Iterable[str]] = ...) -> None: ...

class CountTokensRequest(_message.Message):
    __slots__ = ["add_special_tokens", "input_script", "sensitive_numbers", "texts", "tokenizer"]
    ADD_SPECIAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCRIPT_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    TOKENIZER_FIELD_NUMBER: _ClassVar[int]
    add_special_tokens: bool
    input_script: Script
    sensitive_numbers: SensitiveNumberPolicy
    texts: _containers.RepeatedScalarFieldContainer[str]
    tokenizer: str
    def __init__(self, tokenizer: _Optional[str] = ..., texts: _Optional[_Iterable[str]] = ..., add_special_tokens: bool = ..., input_script: _Optional[_Union[Script, str]] = ..., sensitive_numbers: _Optional[_Union[SensitiveNumberPolicy, str]] = ...) -> None: ...

class CountTokensResponse(_message.Message):
    __slots__ = ["counts"]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    counts: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, counts: _Optional[_Iterable[int]] = ...) -> None: ...

class DetokenizeRequest(_message.Message):
    __slots__ = ["ids", "skip_special_tokens", "tokenizer"]
    IDS_FIELD_NUMBER: _ClassVar[int]
    SKIP_SPECIAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOKENIZER_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[int]
    skip_special_tokens: bool
    tokenizer: str
    def __init__(self, tokenizer: _Optional[str] = ..., ids: _Optional[_Iterable[int]] = ..., skip_special_tokens: bool = ...) -> None: ...

class DetokenizeResponse(_message.Message):
    __slots__ = ["text"]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class DetokenizeStreamRequest(_message.Message):
    __slots__ = ["finish", "ids", "sequence_id", "skip_special_tokens", "tokenizer", "traceparent"]
    FINISH_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_ID_FIELD_NUMBER: _ClassVar[int]
    SKIP_SPECIAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOKENIZER_FIELD_NUMBER: _ClassVar[int]
    TRACEPARENT_FIELD_NUMBER: _ClassVar[int]
    finish: bool
    ids: _containers.RepeatedScalarFieldContainer[int]
    sequence_id: str
    skip_special_tokens: bool
    tokenizer: str
    traceparent: str
    def __init__(self, tokenizer: _Optional[str] = ..., sequence_id: _Optional[str] = ..., ids: _Optional[_Iterable[int]] = ..., finish: bool = ..., skip_special_tokens: bool = ..., traceparent: _Optional[str] = ...) -> None: ...

class DetokenizeStreamResponse(_message.Message):
    __slots__ = ["error", "finished", "sequence_id", "text"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    error: RequestError
    finished: bool
    sequence_id: str
    text: str
    def __init__(self, sequence_id: _Optional[str] = ..., text: _Optional[str] = ..., finished: bool = ..., error: _Optional[_Union[RequestError, _Mapping]] = ...) -> None: ...

class ListTokenizersRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListTokenizersResponse(_message.Message):
    __slots__ = ["tokenizers"]
    TOKENIZERS_FIELD_NUMBER: _ClassVar[int]
    tokenizers: _containers.RepeatedCompositeFieldContainer[TokenizerInfo]
    def __init__(self, tokenizers: _Optional[_Iterable[_Union[TokenizerInfo, _Mapping]]] = ...) -> None: ...

class Offset(_message.Message):
    __slots__ = ["end", "start"]
    END_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    end: int
    start: int
    def __init__(self, start: _Optional[int] = ..., end: _Optional[int] = ...) -> None: ...

class RequestError(_message.Message):
    __slots__ = ["code", "details", "message"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: int
    details: _containers.RepeatedCompositeFieldContainer[_any_pb2.Any]
    message: str
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ..., details: _Optional[_Iterable[_Union[_any_pb2.Any, _Mapping]]] = ...) -> None: ...

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

class SpecialToken(_message.Message):
    __slots__ = ["content", "id"]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    content: str
    id: int
    def __init__(self, content: _Optional[str] = ..., id: _Optional[int] = ...) -> None: ...

class TokenizeRequest(_message.Message):
    __slots__ = ["add_special_tokens", "allow_special_tokens", "input_script", "max_tokens", "request_id", "return_offsets", "return_sensitive_spans", "sensitive_numbers", "texts", "tokenizer", "traceparent"]
    ADD_SPECIAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    ALLOW_SPECIAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCRIPT_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RETURN_OFFSETS_FIELD_NUMBER: _ClassVar[int]
    RETURN_SENSITIVE_SPANS_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    TOKENIZER_FIELD_NUMBER: _ClassVar[int]
    TRACEPARENT_FIELD_NUMBER: _ClassVar[int]
    add_special_tokens: bool
    allow_special_tokens: bool
    input_script: Script
    max_tokens: int
    request_id: str
    return_offsets: bool
    return_sensitive_spans: bool
    sensitive_numbers: SensitiveNumberPolicy
    texts: _containers.RepeatedScalarFieldContainer[str]
    tokenizer: str
    traceparent: str
    def __init__(self, tokenizer: _Optional[str] = ..., texts: _Optional[_Iterable[str]] = ..., add_special_tokens: bool = ..., return_offsets: bool = ..., max_tokens: _Optional[int] = ..., request_id: _Optional[str] = ..., allow_special_tokens: bool = ..., input_script: _Optional[_Union[Script, str]] = ..., sensitive_numbers: _Optional[_Union[SensitiveNumberPolicy, str]] = ..., return_sensitive_spans: bool = ..., traceparent: _Optional[str] = ...) -> None: ...

class TokenizeResponse(_message.Message):
    __slots__ = ["error", "request_id", "results"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    error: RequestError
    request_id: str
    results: _containers.RepeatedCompositeFieldContainer[TokenizeResult]
    def __init__(self, results: _Optional[_Iterable[_Union[TokenizeResult, _Mapping]]] = ..., request_id: _Optional[str] = ..., error: _Optional[_Union[RequestError, _Mapping]] = ...) -> None: ...

class TokenizeResult(_message.Message):
    __slots__ = ["ids", "offsets", "sensitive_spans", "truncated"]
    IDS_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_SPANS_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[int]
    offsets: _containers.RepeatedCompositeFieldContainer[Offset]
    sensitive_spans: _containers.RepeatedCompositeFieldContainer[SensitiveSpan]
    truncated: bool
    def __init__(self, ids: _Optional[_Iterable[int]] = ..., offsets: _Optional[_Iterable[_Union[Offset, _Mapping]]] = ..., truncated: bool = ..., sensitive_spans: _Optional[_Iterable[_Union[SensitiveSpan, _Mapping]]] = ...) -> None: ...

class TokenizerInfo(_message.Message):
    __slots__ = ["bos_token_id", "chat_template", "eos_token_ids", "kind", "max_tokens", "name", "pad_token_id", "special_tokens", "vocab_size"]
    BOS_TOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    CHAT_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    EOS_TOKEN_IDS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAD_TOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    SPECIAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    VOCAB_SIZE_FIELD_NUMBER: _ClassVar[int]
    bos_token_id: int
    chat_template: str
    eos_token_ids: _containers.RepeatedScalarFieldContainer[int]
    kind: TokenizerKind
    max_tokens: int
    name: str
    pad_token_id: int
    special_tokens: _containers.RepeatedCompositeFieldContainer[SpecialToken]
    vocab_size: int
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[TokenizerKind, str]] = ..., vocab_size: _Optional[int] = ..., special_tokens: _Optional[_Iterable[_Union[SpecialToken, _Mapping]]] = ..., max_tokens: _Optional[int] = ..., bos_token_id: _Optional[int] = ..., eos_token_ids: _Optional[_Iterable[int]] = ..., pad_token_id: _Optional[int] = ..., chat_template: _Optional[str] = ...) -> None: ...

class Script(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SensitiveNumberPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SensitiveNumberKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class TokenizerKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
