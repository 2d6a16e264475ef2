'use strict';

// tokenizer-svc as a grpcurl user or a polyglot caller sees it: no .proto files, everything is
// discovered by server reflection. Address: KAZGRPC_TOKENIZER_ADDRESS (default 127.0.0.1:50052).

const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  grpc,
  waitSeconds,
  waitForServing,
  listServices,
  discoverService,
  unary,
  unaryError,
  richStatus,
  notReached,
} = require('../lib/grpc-helpers');

const ADDRESS = process.env.KAZGRPC_TOKENIZER_ADDRESS || '127.0.0.1:50052';
const SERVICE = 'kazgrpc.tokenizer.v1.TokenizerService';
const TOKENIZER = 'o200k_base';
const TEXT = 'Сәлем, әлем! 🙂';

describe(`tokenizer-svc at ${ADDRESS}`, { timeout: (waitSeconds() + 60) * 1000 }, () => {
  let svc;
  // Later tests need the discovered service; when the first test could not reach it they fail
  // with this message rather than with a confusing TypeError.
  const ready = () => {
    if (!svc) throw notReached(SERVICE, ADDRESS);
    return svc;
  };

  after(() => {
    if (svc) svc.client.close();
  });

  // A test, not a before() hook, so that an unreachable service counts as a failure in the summary.
  it(`is SERVING on grpc.health.v1 within ${waitSeconds()} s and discoverable by reflection`, async () => {
    await waitForServing(ADDRESS, SERVICE);
    svc = await discoverService(ADDRESS, SERVICE);
  });

  it('lists TokenizerService, health and reflection over reflection v1 and v1alpha', async () => {
    ready();
    for (const version of ['v1', 'v1alpha']) {
      const services = await listServices(ADDRESS, version);
      for (const expected of [SERVICE, 'grpc.health.v1.Health', `grpc.reflection.${version}.ServerReflection`]) {
        assert.ok(services.includes(expected), `${version} lists ${expected}; got ${services.join(', ')}`);
      }
    }
  });

  it('describes TokenizerService by reflection', () => {
    for (const method of ['ListTokenizers', 'Tokenize', 'CountTokens', 'Detokenize']) {
      assert.ok(ready().methods.includes(method), `${method} in ${ready().methods.join(', ')}`);
    }
  });

  it(`ListTokenizers lists ${TOKENIZER}`, async () => {
    const res = await unary(ready().client, 'ListTokenizers', {});
    const names = res.tokenizers.map((t) => t.name);
    assert.ok(names.includes(TOKENIZER), `${TOKENIZER} in ${names.join(', ')}`);
    const info = res.tokenizers.find((t) => t.name === TOKENIZER);
    assert.equal(info.kind, 'TOKENIZER_KIND_TIKTOKEN');
    assert.ok(info.vocab_size > 0, `vocab_size ${info.vocab_size}`);
  });

  it('Tokenize and Detokenize round-trip Kazakh text with an emoji', async () => {
    const tok = await unary(ready().client, 'Tokenize', { tokenizer: TOKENIZER, texts: [TEXT] });
    assert.equal(tok.results.length, 1);
    const { ids } = tok.results[0];
    assert.ok(ids.length > 0, 'ids are not empty');
    assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0), `ids are unsigned integers: ${ids}`);
    assert.equal(tok.results[0].truncated, false);

    const detok = await unary(ready().client, 'Detokenize', { tokenizer: TOKENIZER, ids });
    assert.equal(detok.text, TEXT);
  });

  it("Tokenize with an unknown tokenizer fails with NOT_FOUND 'was not found'", async () => {
    const err = await unaryError(ready().client, 'Tokenize', { tokenizer: 'nope', texts: [TEXT] });
    assert.equal(err.code, grpc.status.NOT_FOUND, `code ${err.code} (${err.details})`);
    assert.equal(err.code, 5);
    assert.match(err.details, /was not found/);

    // google.rpc.Status rich details, decoded with the reflected contract type of the same shape.
    const rich = richStatus(ready().root, err);
    assert.ok(rich, 'grpc-status-details-bin trailer is present');
    assert.equal(rich.code, 5);
    assert.match(rich.message, /was not found/);
    const types = rich.details.map((d) => d.type_url);
    assert.ok(types.includes('type.googleapis.com/google.rpc.ResourceInfo'), `detail types: ${types.join(', ')}`);
  });
});
