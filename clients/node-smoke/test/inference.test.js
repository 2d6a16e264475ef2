'use strict';

// inference-svc, discovered by server reflection like tokenizer.test.js. Optional: runs only when
// KAZGRPC_INFERENCE_ADDRESS is set, and is reported as skipped otherwise.
//
// Only discovery is checked for now; the Embed call belongs here (see the TODO below), built the
// same way as the Tokenize checks: `await unary(ready().client, 'Embed', { model, inputs: [...] })`.

const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const { waitSeconds, waitForServing, discoverService, notReached } = require('../lib/grpc-helpers');

const ADDRESS = process.env.KAZGRPC_INFERENCE_ADDRESS || '';
const SERVICE = 'kazgrpc.inference.v1.InferenceService';

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

    // TODO: Embed call (model from the environment, e.g. KAZGRPC_EMBED_MODEL), asserting one
    // vector per input of the model's dimension.
  });
}
