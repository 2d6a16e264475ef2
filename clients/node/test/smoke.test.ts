// Smoke test of the generated Node client against running tokenizer-svc and inference-svc.
//
//   npm ci && npm test
//
// KAZGRPC_TOKENIZER_ADDRESS and KAZGRPC_INFERENCE_ADDRESS (host:port) say where the services are;
// the defaults are 127.0.0.1:50052 and 127.0.0.1:50051. The test waits up to
// KAZGRPC_SMOKE_WAIT_SECONDS (default 60) for both to report SERVING.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, credentials, ServiceError, status } from '@grpc/grpc-js';
import { inference, tokenizer, unary } from '../src';

const tokenizerAddress = process.env.KAZGRPC_TOKENIZER_ADDRESS || '127.0.0.1:50052';
const inferenceAddress = process.env.KAZGRPC_INFERENCE_ADDRESS || '127.0.0.1:50051';
const waitSeconds = Number(process.env.KAZGRPC_SMOKE_WAIT_SECONDS || 60);
const kazakh = 'Сәлем, әлем!';
const deadline = () => ({ deadline: new Date(Date.now() + 30_000) });

// grpc.health.v1 is not among the generated messages, so its Check is spelled by hand: the request
// for service "" is empty, and SERVING is field 1 = 1.
async function waitUntilServing(address: string): Promise<void> {
  const client = new Client(address, credentials.createInsecure());
  const until = Date.now() + waitSeconds * 1000;
  let last = 'no answer';
  try {
    while (Date.now() < until) {
      const answer = await new Promise<Buffer | ServiceError>((resolve) =>
        client.makeUnaryRequest(
          '/grpc.health.v1.Health/Check',
          (request: Buffer) => request,
          (response: Buffer) => response,
          Buffer.alloc(0),
          { deadline: new Date(Date.now() + 2000) },
          (error, response) => resolve(error ?? response!),
        ),
      );
      if (Buffer.isBuffer(answer) && answer.equals(Buffer.from([0x08, 0x01]))) return;
      last = Buffer.isBuffer(answer) ? 'not SERVING yet' : `${status[answer.code]}: ${answer.details}`;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`${address} did not report SERVING within ${waitSeconds} s (${last})`);
  } finally {
    client.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  assert.fail('the call succeeded');
}

let tokenizerClient: tokenizer.TokenizerServiceClient;
let inferenceClient: inference.InferenceServiceClient;

before(async () => {
  await waitUntilServing(tokenizerAddress);
  await waitUntilServing(inferenceAddress);
  tokenizerClient = new tokenizer.TokenizerServiceClient(tokenizerAddress, credentials.createInsecure());
  inferenceClient = new inference.InferenceServiceClient(inferenceAddress, credentials.createInsecure());
});

after(() => {
  tokenizerClient?.close();
  inferenceClient?.close();
});

test('tokenize Kazakh text and detokenize it back', async () => {
  const response = await unary(
    tokenizerClient.tokenize.bind(tokenizerClient),
    tokenizer.TokenizeRequest.fromPartial({ tokenizer: 'o200k_base', texts: [kazakh] }),
    deadline(),
  );
  assert.equal(response.results.length, 1);
  const ids = response.results[0].ids;
  assert.ok(ids.length > 0);
  const text = await unary(
    tokenizerClient.detokenize.bind(tokenizerClient),
    tokenizer.DetokenizeRequest.fromPartial({ tokenizer: 'o200k_base', ids }),
    deadline(),
  );
  assert.equal(text.text, kazakh);
});

test('embed', async () => {
  const response = await unary(
    inferenceClient.embed.bind(inferenceClient),
    inference.EmbedRequest.fromPartial({ model: 'minilm', inputs: [kazakh, 'Өтініш қабылданды.'] }),
    deadline(),
  );
  assert.deepEqual(response.embeddings.map((e) => e.index), [0, 1]);
  for (const embedding of response.embeddings) {
    assert.equal(embedding.values.length, 384);
    const norm = Math.sqrt(embedding.values.reduce((sum, v) => sum + v * v, 0));
    assert.ok(Math.abs(norm - 1) < 1e-3, `norm ${norm}`);
  }
  assert.ok((response.usage?.promptTokens ?? 0) > 0);
});

test('generate streams chunks, then one final message', async () => {
  const stream = inferenceClient.generate(
    inference.GenerateRequest.fromPartial({
      model: 'kaz-tiny',
      prompt: 'Қазақстан Республикасы',
      parameters: { maxNewTokens: 8, ignoreEos: true },
    }),
    deadline(),
  );
  const chunks: inference.GenerationChunk[] = [];
  const finals: inference.GenerationFinal[] = [];
  for await (const response of stream as AsyncIterable<inference.GenerateResponse>) {
    assert.equal(finals.length, 0, 'a message came after the final one');
    if (response.chunk) chunks.push(response.chunk);
    if (response.final) finals.push(response.final);
  }
  assert.ok(chunks.length > 0);
  assert.equal(finals.length, 1);
  assert.equal(finals[0].finishReason, inference.FinishReason.FINISH_REASON_LENGTH);
  assert.equal(finals[0].usage?.completionTokens, 8);
  assert.ok((finals[0].usage?.promptTokens ?? 0) > 0);
  assert.equal(chunks.reduce((sum, c) => sum + c.tokenIds.length, 0), 8);
});

test('embed with an unknown model is NOT_FOUND naming it', async () => {
  const error = await rejection(
    unary(
      inferenceClient.embed.bind(inferenceClient),
      inference.EmbedRequest.fromPartial({ model: 'no-such-model', inputs: [kazakh] }),
      deadline(),
    ),
  );
  assert.equal(error.code, status.NOT_FOUND);
  assert.match(error.details, /'no-such-model' was not found/);
  assert.match(error.details, /minilm/);
});

test('generate with max_new_tokens 0 is INVALID_ARGUMENT naming the field', async () => {
  const stream = inferenceClient.generate(
    inference.GenerateRequest.fromPartial({ model: 'kaz-tiny', prompt: kazakh, parameters: { maxNewTokens: 0 } }),
    deadline(),
  );
  const error = await rejection((async () => {
    for await (const _ of stream) {
      // The error arrives before any message.
    }
  })());
  assert.equal(error.code, status.INVALID_ARGUMENT);
  assert.match(error.details, /parameters\.max_new_tokens/);
});
