"""Smoke test of the generated Python client against running tokenizer-svc and inference-svc.

    PYTHONPATH=clients/python /usr/bin/python3 -m unittest discover -s clients/python/tests -v

KAZGRPC_TOKENIZER_ADDRESS and KAZGRPC_INFERENCE_ADDRESS (host:port) say where the services are;
the defaults are 127.0.0.1:50052 and 127.0.0.1:50051. The test waits up to
KAZGRPC_SMOKE_WAIT_SECONDS (default 60) for both to report SERVING.
"""

import math
import os
import time
import unittest

import grpc

from kazgrpc.inference.v1 import inference_pb2, inference_pb2_grpc
from kazgrpc.tokenizer.v1 import tokenizer_pb2, tokenizer_pb2_grpc

TOKENIZER_ADDRESS = os.environ.get("KAZGRPC_TOKENIZER_ADDRESS") or "127.0.0.1:50052"
INFERENCE_ADDRESS = os.environ.get("KAZGRPC_INFERENCE_ADDRESS") or "127.0.0.1:50051"
WAIT_SECONDS = float(os.environ.get("KAZGRPC_SMOKE_WAIT_SECONDS") or 60)
DEADLINE_SECONDS = 30
KAZAKH = "Сәлем, әлем!"


def wait_until_serving(channel, address):
    """Polls grpc.health.v1.Health/Check for the overall status ("") until it says SERVING.

    The health messages are not among the generated ones, so they are spelled by hand: the request
    for service "" is empty, and SERVING is field 1 = 1.
    """
    check = channel.unary_unary("/grpc.health.v1.Health/Check")
    deadline = time.monotonic() + WAIT_SECONDS
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            if check(b"", timeout=2) == b"\x08\x01":
                return
            last = "not SERVING yet"
        except grpc.RpcError as error:
            last = f"{error.code().name}: {error.details()}"
        time.sleep(0.5)
    raise AssertionError(f"{address} did not report SERVING within {WAIT_SECONDS:g} s ({last})")


class SmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tokenizer_channel = grpc.insecure_channel(TOKENIZER_ADDRESS)
        cls.inference_channel = grpc.insecure_channel(INFERENCE_ADDRESS)
        cls.addClassCleanup(cls.tokenizer_channel.close)
        cls.addClassCleanup(cls.inference_channel.close)
        wait_until_serving(cls.tokenizer_channel, TOKENIZER_ADDRESS)
        wait_until_serving(cls.inference_channel, INFERENCE_ADDRESS)
        cls.tokenizer = tokenizer_pb2_grpc.TokenizerServiceStub(cls.tokenizer_channel)
        cls.inference = inference_pb2_grpc.InferenceServiceStub(cls.inference_channel)

    def test_tokenize_kazakh(self):
        response = self.tokenizer.Tokenize(
            tokenizer_pb2.TokenizeRequest(tokenizer="o200k_base", texts=[KAZAKH]),
            timeout=DEADLINE_SECONDS,
        )
        self.assertEqual(len(response.results), 1)
        ids = list(response.results[0].ids)
        self.assertGreater(len(ids), 0)
        text = self.tokenizer.Detokenize(
            tokenizer_pb2.DetokenizeRequest(tokenizer="o200k_base", ids=ids),
            timeout=DEADLINE_SECONDS,
        ).text
        self.assertEqual(text, KAZAKH)

    def test_embed(self):
        response = self.inference.Embed(
            inference_pb2.EmbedRequest(model="minilm", inputs=[KAZAKH, "Өтініш қабылданды."]),
            timeout=DEADLINE_SECONDS,
        )
        self.assertEqual([e.index for e in response.embeddings], [0, 1])
        for embedding in response.embeddings:
            self.assertEqual(len(embedding.values), 384)
            self.assertAlmostEqual(math.sqrt(sum(v * v for v in embedding.values)), 1.0, places=3)
        self.assertGreater(response.usage.prompt_tokens, 0)

    def test_generate_streams_chunks_then_final(self):
        request = inference_pb2.GenerateRequest(
            model="kaz-tiny",
            prompt="Қазақстан Республикасы",
            parameters=inference_pb2.GenerationParameters(max_new_tokens=8, ignore_eos=True),
        )
        chunks, finals = [], []
        for response in self.inference.Generate(request, timeout=DEADLINE_SECONDS):
            kind = response.WhichOneof("response")
            self.assertFalse(finals, f"a {kind} message came after the final one")
            (chunks if kind == "chunk" else finals).append(getattr(response, kind))
        self.assertGreater(len(chunks), 0)
        self.assertEqual(len(finals), 1)
        final = finals[0]
        self.assertEqual(final.finish_reason, inference_pb2.FINISH_REASON_LENGTH)
        self.assertEqual(final.usage.completion_tokens, 8)
        self.assertGreater(final.usage.prompt_tokens, 0)
        self.assertEqual(sum(len(c.token_ids) for c in chunks), 8)

    def test_embed_unknown_model_is_not_found(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.inference.Embed(
                inference_pb2.EmbedRequest(model="no-such-model", inputs=[KAZAKH]),
                timeout=DEADLINE_SECONDS,
            )
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND)
        self.assertIn("'no-such-model' was not found", caught.exception.details())
        self.assertIn("minilm", caught.exception.details())

    def test_generate_zero_max_new_tokens_is_invalid_argument(self):
        request = inference_pb2.GenerateRequest(
            model="kaz-tiny",
            prompt=KAZAKH,
            parameters=inference_pb2.GenerationParameters(max_new_tokens=0),
        )
        with self.assertRaises(grpc.RpcError) as caught:
            list(self.inference.Generate(request, timeout=DEADLINE_SECONDS))
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("parameters.max_new_tokens", caught.exception.details())


if __name__ == "__main__":
    unittest.main()
