'use strict';

// inference-svc's OpenAI-compatible API through the official openai SDK, as a real client does it:
// list models, embeddings (the SDK asks for base64 and decodes it), a completion, a streamed chat
// completion, and a bad parameter surfacing as the SDK's BadRequestError with the server's words.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const OpenAI = require('openai');

const BASE_URL = process.env.KAZGRPC_OPENAI_BASE_URL || 'http://127.0.0.1:8080/v1';
const WAIT_SECONDS = Number(process.env.KAZGRPC_SMOKE_WAIT_SECONDS || 60);
const CHAT_MODEL = process.env.KAZGRPC_CHAT_MODEL || 'kaz-tiny';
const EMBED_MODEL = process.env.KAZGRPC_EMBED_MODEL || 'minilm';

// The server asks for no key; the SDK needs one to be set. No retries: a failure shows at once.
const client = new OpenAI({ baseURL: BASE_URL, apiKey: 'unused', maxRetries: 0, timeout: 60_000 });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`OpenAI-compatible API at ${BASE_URL}`, { timeout: (WAIT_SECONDS + 120) * 1000 }, () => {
  it(`lists ${CHAT_MODEL} and ${EMBED_MODEL} within ${WAIT_SECONDS} s (models.list)`, async () => {
    const deadline = Date.now() + WAIT_SECONDS * 1000;
    let last;
    for (;;) {
      try {
        const ids = [];
        for await (const model of client.models.list()) ids.push(model.id);
        if (ids.includes(CHAT_MODEL) && ids.includes(EMBED_MODEL)) return;
        last = `models: ${ids.join(', ')}`;
      } catch (err) {
        last = String(err);
      }
      if (Date.now() > deadline) assert.fail(`not listed after ${WAIT_SECONDS} s; last: ${last}`);
      await sleep(250);
    }
  });

  it(`retrieves ${CHAT_MODEL} (models.retrieve)`, async () => {
    const model = await client.models.retrieve(CHAT_MODEL);
    assert.equal(model.id, CHAT_MODEL);
    assert.equal(model.object, 'model');
  });

  it(`embeds two texts with ${EMBED_MODEL}: unit vectors in input order (embeddings.create)`, async () => {
    const res = await client.embeddings.create({ model: EMBED_MODEL, input: ['Сәлем, әлем! 🙂', 'Hello, world.'] });
    assert.equal(res.data.length, 2);
    res.data.forEach((item, i) => {
      assert.equal(item.index, i);
      assert.equal(item.embedding.length, 384);
      const norm = Math.sqrt(item.embedding.reduce((sum, v) => sum + v * v, 0));
      assert.ok(Math.abs(norm - 1) < 1e-3, `norm ${norm}`);
    });
    assert.ok(res.usage.prompt_tokens > 0);
  });

  it(`completes a prompt with ${CHAT_MODEL}, greedy, to max_tokens (completions.create)`, async () => {
    const res = await client.completions.create({ model: CHAT_MODEL, prompt: 'Қазақстан Республикасы', max_tokens: 5, temperature: 0, ignore_eos: true });
    assert.equal(res.object, 'text_completion');
    assert.equal(typeof res.choices[0].text, 'string');
    assert.equal(res.choices[0].finish_reason, 'length');
    assert.equal(res.usage.completion_tokens, 5);
  });

  it(`streams a chat completion from ${CHAT_MODEL} with usage last (chat.completions.create, stream)`, async () => {
    const stream = await client.chat.completions.create({
      model: CHAT_MODEL,
      messages: [{ role: 'system', content: 'Сен көмекшісің.' }, { role: 'user', content: 'Сәлем!' }],
      max_tokens: 8,
      temperature: 0.7,
      seed: 7,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    let role;
    let content = '';
    let finish;
    let usage;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      assert.equal(chunk.object, 'chat.completion.chunk');
      const choice = chunk.choices[0];
      if (choice) {
        role ??= choice.delta.role;
        content += choice.delta.content ?? '';
        finish = choice.finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(role, 'assistant');
    assert.ok(chunks >= 3, `${chunks} chunks`);
    assert.equal(finish, 'length');
    assert.equal(usage.completion_tokens, 8);
    assert.equal(typeof content, 'string');
  });

  it('answers an invalid parameter with the SDK\'s BadRequestError naming it (top_p 1.5)', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'x' }], top_p: 1.5 }),
      (err) => {
        assert.ok(err instanceof OpenAI.BadRequestError, `${err?.constructor?.name}: ${err}`);
        assert.equal(err.status, 400);
        assert.equal(err.param, 'top_p');
        assert.equal(err.type, 'invalid_request_error');
        assert.match(err.message, /`top_p` must be in \(0, 1\]; got 1\.5/);
        return true;
      },
    );
  });

  it('answers an unknown model with the SDK\'s NotFoundError', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
      (err) => {
        assert.ok(err instanceof OpenAI.NotFoundError, `${err?.constructor?.name}: ${err}`);
        assert.equal(err.code, 'model_not_found');
        return true;
      },
    );
  });
});
