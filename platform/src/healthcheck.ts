/**
 * `node platform/dist/healthcheck.js [address]`: the container healthcheck. Asks
 * the process's standard grpc.health.v1 service and exits 0 only when it answers
 * SERVING (a service answers NOT_SERVING until rootd has admitted it).
 *
 * It speaks the one call over node:http2 directly instead of loading grpc-js and a
 * proto parser: a healthcheck runs every few seconds in every container, and
 * starting the full gRPC stack each time costs ~10x the CPU.
 */
import { connect, constants } from 'node:http2';
import { connect as connectSocket } from 'node:net';

const address = process.argv[2] ?? process.env.RUSTOS_HEALTH_ADDRESS ?? '127.0.0.1:7700';
const SERVING = 1;
const NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

function done(code: number, what: string): never {
  process.stdout.write(`${address}: ${what}\n`);
  process.exit(code);
}

const unix = address.startsWith('unix:') ? address.slice('unix:'.length).replace(/^\/\//, '') : undefined;
const session = unix ? connect('http://localhost', { createConnection: () => connectSocket(unix) }) : connect(`http://${address}`);
session.on('error', (err) => done(1, `unreachable: ${err.message}`));
setTimeout(() => done(1, 'no answer within 2 s'), 2000).unref();

// HealthCheckRequest{service: ""} encodes to zero bytes: the frame is a 5-byte
// gRPC prefix (not compressed, length 0).
const req = session.request({
  [constants.HTTP2_HEADER_METHOD]: 'POST',
  [constants.HTTP2_HEADER_PATH]: '/grpc.health.v1.Health/Check',
  [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
  te: 'trailers',
});
const chunks: Buffer[] = [];
req.on('error', (err) => done(1, `unreachable: ${err.message}`));
req.on('data', (c: Buffer) => chunks.push(c));
req.on('end', () => {
  const body = Buffer.concat(chunks);
  // HealthCheckResponse: field 1 (status), varint: tag byte 0x08 then the value.
  const status = body.length >= 7 && body[5] === 0x08 ? body[6]! : 0;
  done(status === SERVING ? 0 : 1, NAMES[status] ?? `status ${status}`);
});
req.end(Buffer.alloc(5));
