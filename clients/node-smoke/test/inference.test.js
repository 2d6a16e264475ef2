'use strict';

// inference-svc, discovered by server reflection like tokenizer.test.js. Optional: runs only when
// KAZGRPC_INFERENCE_ADDRESS is set, and is reported as skipped otherwise.
//
// Calls Embed on the default embedding model (KAZGRPC_EMBED_MODEL, default minilm) and checks an
// error's status and words, with nothing but what reflection tells.

const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const { waitSeconds, waitForServing, discoverService, notReached, unary, unaryError } = require('../lib/grpc-helpers');

const ADDRESS = process.env.KAZGRPC_INFERENCE_ADDRESS || '';
const SERVICE = 'kazgrpc.inference.v1.InferenceService';
const MODEL = process.env.KAZGRPC_EMBED_MODEL || 'minilm';

if (!ADDRESS) {
  // A skipped test (not a skipped suite) so that the summary's `skipped` count shows it.
  it('inference-svc checks', { skip: 'KAZGRPC_INFERENCE_ADDRESS is not set' }, () => {});
} else {
  describe(`inference-svc at ${ADDRESS}`, { timeout: (waitSeconds() + 60) * 1000 }, () => {
    let svc;

    const ready = () => {
      if (!svc) throw notReached(SERVICE, ADDRESS);
      return svc;
    };

    after(() => {
      if (svc) svc.client.close();
    });

    it(`is SERVING on grpc.health.v1 within ${waitSeconds()} s and discoverable by reflection`, async () => {
      await waitForServing(ADDRESS, SERVICE);
      svc = await discoverService(ADDRESS, SERVICE);
    });

    it('describes InferenceService, with Embed, by reflection', () => {
      assert.ok(ready().methods.includes('Embed'), `Embed in ${ready().methods.join(', ')}`);
    });

    it(`GetModel reports ${MODEL} ready with its dimensions`, async () => {
      const model = await unary(ready().client, 'GetModel', { name: MODEL });
      assert.equal(model.name, MODEL);
      assert.equal(model.state, 'MODEL_STATE_READY');
      assert.ok(model.embedding_dimensions > 0, `embedding_dimensions ${model.embedding_dimensions}`);
    });

    it(`Embed returns one unit vector per input, in order, from ${MODEL}`, async () => {
      const model = await unary(ready().client, 'GetModel', { name: MODEL });
      const res = await unary(ready().client, 'Embed', { model: MODEL, inputs: ['Сәлем, әлем! 🙂', 'Hello, world.'] });
      assert.equal(res.embeddings.length, 2);
      res.embeddings.forEach((e, i) => {
        assert.equal(e.index, i);
        assert.equal(e.values.length, model.embedding_dimensions);
        const norm = Math.sqrt(e.values.reduce((sum, v) => sum + v * v, 0));
        assert.ok(Math.abs(norm - 1) < 1e-3, `norm ${norm}`);
      });
      assert.ok(res.usage.prompt_tokens > 0);
    });

    it('Embed with an unknown model fails with NOT_FOUND naming the models', async () => {
      const err = await unaryError(ready().client, 'Embed', { model: 'nope', inputs: ['x'] });
      assert.equal(err.code, 5);
      assert.match(err.details, /model 'nope' was not found; available: .*minilm/);
    });
  });
}
