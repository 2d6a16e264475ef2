// KazGrpc clients for Node: the @grpc/grpc-js clients and message types that ts-proto generates
// from protos/ (src/gen/, never edited by hand), and one helper that turns a unary call into a
// promise.
import { Metadata } from '@grpc/grpc-js';
import type { CallOptions, ClientUnaryCall, ServiceError } from '@grpc/grpc-js';

export * as inference from './gen/kazgrpc/inference/v1/inference';
export * as tokenizer from './gen/kazgrpc/tokenizer/v1/tokenizer';
// The clients accept only credentials of their own copy of @grpc/grpc-js: a caller whose project
// holds another copy takes these.
export { credentials, Metadata, status } from '@grpc/grpc-js';
export type { CallOptions, ServiceError } from '@grpc/grpc-js';

/** The callback form of a generated client's unary method (its last overload). */
export type UnaryMethod<Request, Response> = (
  request: Request,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Response) => void,
) => ClientUnaryCall;

/**
 * Calls a unary method and resolves with its answer, or rejects with the `ServiceError` whose
 * `code` is the gRPC status and `details` its message. Bind the method to its client:
 * `await unary(client.tokenize.bind(client), request, { deadline })`.
 */
export function unary<Request, Response>(
  method: UnaryMethod<Request, Response>,
  request: Request,
  options: Partial<CallOptions> = {},
  metadata: Metadata = new Metadata(),
): Promise<Response> {
  return new Promise((resolve, reject) => {
    method(request, metadata, options, (error, response) => (error ? reject(error) : resolve(response)));
  });
}
