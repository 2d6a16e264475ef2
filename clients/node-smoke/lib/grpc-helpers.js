'use strict';

// Shared plumbing for the Node smoke tests: configuration from the environment, a bounded wait
// for grpc.health.v1 SERVING, service discovery by server reflection (no .proto files anywhere),
// promise-wrapped unary calls, and decoding of rich error details (google.rpc.Status).
//
// Each service under test gets its own file in ../test/ that uses these helpers; see
// tokenizer.test.js for the pattern.

const grpc = require('@grpc/grpc-js');
const { GrpcReflection } = require('grpc-js-reflection-client');

/** Seconds to wait for health SERVING before giving up (KAZGRPC_SMOKE_WAIT_SECONDS, default 60). */
function waitSeconds() {
  const raw = process.env.KAZGRPC_SMOKE_WAIT_SECONDS;
  if (raw === undefined || raw === '') return 60;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new Error(`KAZGRPC_SMOKE_WAIT_SECONDS must be a positive number, got '${raw}'`);
  }
  return n;
}

/** Per-call deadline for ordinary RPCs, in milliseconds. */
const CALL_DEADLINE_MS = 10_000;

const insecure = () => grpc.credentials.createInsecure();

const deadlineIn = (ms) => new Date(Date.now() + ms);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Health: a tiny hand-built grpc.health.v1.Health/Check client. It is hand-built (rather than
// discovered by reflection) so that it can poll a server that is still starting up.
//
//   message HealthCheckRequest  { string service = 1; }
//   message HealthCheckResponse { ServingStatus status = 1; }   // 1 = SERVING
// ---------------------------------------------------------------------------------------------

const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

function encodeVarint(value) {
  const bytes = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return bytes;
}

function readVarint(buf, pos) {
  let result = 0;
  let scale = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [result, pos];
    scale *= 128;
    if (scale > 2 ** 63) throw new Error('varint too long');
  }
}

function serializeHealthCheckRequest({ service }) {
  if (!service) return Buffer.alloc(0);
  const name = Buffer.from(service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a, ...encodeVarint(name.length)]), name]);
}

function deserializeHealthCheckResponse(buf) {
  let status = 0;
  let pos = 0;
  while (pos < buf.length) {
    let key;
    [key, pos] = readVarint(buf, pos);
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) {
      let v;
      [v, pos] = readVarint(buf, pos);
      if (field === 1) status = v;
    } else if (wire === 2) {
      let len;
      [len, pos] = readVarint(buf, pos);
      pos += len;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw new Error(`unexpected wire type ${wire} in HealthCheckResponse`);
    }
  }
  return { status, statusName: SERVING_STATUS[status] ?? `UNRECOGNIZED(${status})` };
}

/** One Health/Check call. Resolves to { status, statusName }; rejects with the gRPC error. */
function healthCheck(address, service, deadlineMs = 2_000) {
  const client = new grpc.Client(address, insecure());
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      serializeHealthCheckRequest,
      deserializeHealthCheckResponse,
      { service },
      { deadline: deadlineIn(deadlineMs) },
      (err, res) => {
        client.close();
        if (err) reject(err);
        else resolve(res);
      },
    );
  });
}

/**
 * Polls Health/Check for `service` until it answers SERVING, for at most `timeoutSeconds`.
 * Throws an error that says what the last answer was when time runs out.
 */
async function waitForServing(address, service, timeoutSeconds = waitSeconds()) {
  const giveUpAt = Date.now() + timeoutSeconds * 1000;
  let last = 'no answer yet';
  for (;;) {
    const left = giveUpAt - Date.now();
    if (left <= 0) break;
    try {
      const res = await healthCheck(address, service, Math.min(2_000, Math.max(left, 1)));
      if (res.statusName === 'SERVING') return;
      last = `health status ${res.statusName}`;
    } catch (err) {
      const code = grpc.status[err.code] ?? err.code;
      const why = err.details || (err.code === grpc.status.NOT_FOUND ? 'health does not know this service' : err.message);
      last = `${code}: ${why}`;
    }
    const pause = Math.min(500, giveUpAt - Date.now());
    if (pause > 0) await sleep(pause);
  }
  throw new Error(
    `${service || 'server'} at ${address} was not SERVING within ${timeoutSeconds} s (last: ${last})`,
  );
}

// ---------------------------------------------------------------------------------------------
// Reflection
// ---------------------------------------------------------------------------------------------

// grpc-js-reflection-client wraps transport errors in a ReflectionRequestException whose message
// is the stringified gRPC error ("Error: 12 UNIMPLEMENTED: ..."), so the code is read from there.
const isUnimplemented = (err) =>
  Boolean(err) && (err.code === grpc.status.UNIMPLEMENTED || /\b12 UNIMPLEMENTED\b/.test(String(err.message)));

/** Runs `fn(reflection)` with a reflection client of `version` ('v1' or 'v1alpha'), then closes it. */
async function withReflection(address, version, fn) {
  const reflection = new GrpcReflection(address, insecure(), {}, version);
  try {
    return await fn(reflection);
  } finally {
    // The library keeps its grpc-js client private and never closes it; close it so the test
    // process can exit.
    if (reflection.client && typeof reflection.client.close === 'function') reflection.client.close();
  }
}

/** Lists services over reflection `version` ('v1' or 'v1alpha'). */
function listServices(address, version) {
  return withReflection(address, version, (reflection) =>
    reflection.listServices('*', { deadline: deadlineIn(CALL_DEADLINE_MS) }),
  );
}

/**
 * Discovers `serviceName` (fully qualified) by server reflection, the way grpcurl does: v1 first,
 * v1alpha when the server does not implement v1. Returns
 *   { version, root, client, methods }
 * where `root` is the protobufjs Root of every reflected file (for decoding other messages, e.g.
 * the rich status of an error), `client` a @grpc/grpc-js client of the service (close it when done), and
 * `methods` its method names.
 */
async function discoverService(address, serviceName) {
  let lastErr;
  for (const version of ['v1', 'v1alpha']) {
    let descriptor;
    try {
      descriptor = await withReflection(address, version, (reflection) =>
        reflection.getDescriptorBySymbol(serviceName, { deadline: deadlineIn(CALL_DEADLINE_MS) }),
      );
    } catch (err) {
      lastErr = err;
      if (isUnimplemented(err)) continue;
      throw err;
    }
    const pkg = descriptor.getPackageObject({
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    const Ctor = serviceName.split('.').reduce((node, part) => node && node[part], pkg);
    if (typeof Ctor !== 'function' || !Ctor.service) {
      throw new Error(`reflection (${version}) returned no service definition for ${serviceName}`);
    }
    return {
      version,
      root: descriptor.getProtobufJsRoot(),
      client: new Ctor(address, insecure()),
      methods: Object.keys(Ctor.service),
    };
  }
  throw lastErr;
}

/** Calls unary `method` on a discovered client; resolves to the response, rejects with the error. */
function unary(client, method, request, deadlineMs = CALL_DEADLINE_MS) {
  if (typeof client[method] !== 'function') {
    return Promise.reject(new Error(`client has no method ${method}`));
  }
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: deadlineIn(deadlineMs) }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}

/**
 * Calls unary `method` expecting it to fail; resolves to the gRPC error (code, details, metadata)
 * and rejects when the call succeeds.
 */
async function unaryError(client, method, request, deadlineMs = CALL_DEADLINE_MS) {
  let res;
  try {
    res = await unary(client, method, request, deadlineMs);
  } catch (err) {
    return err;
  }
  throw new Error(`${method} succeeded but was expected to fail: ${JSON.stringify(res)}`);
}

/**
 * Decodes the google.rpc.Status carried in an error's `grpc-status-details-bin` trailer with the
 * reflected `kazgrpc.tokenizer.v1.RequestError` (the contract declares it field for field as
 * google.rpc.Status, so it needs no google protos). Returns { code, message, details: [{ type_url,
 * value }] }, or null when the error has no rich status.
 */
function richStatus(root, err) {
  const raw = err && err.metadata && err.metadata.get('grpc-status-details-bin')[0];
  if (!raw) return null;
  const Status = root.lookupType('kazgrpc.tokenizer.v1.RequestError');
  return Status.toObject(Status.decode(raw), { defaults: true });
}

/** The error of a test that needs a service the first test could not reach (short, no stack). */
function notReached(service, address) {
  const err = new Error(`${service} was not reached at ${address}; see the first failure`);
  err.stack = `Error: ${err.message}`;
  return err;
}

module.exports = {
  grpc,
  waitSeconds,
  healthCheck,
  waitForServing,
  listServices,
  discoverService,
  unary,
  unaryError,
  richStatus,
  notReached,
};
