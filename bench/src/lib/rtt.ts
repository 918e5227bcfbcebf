/** Round-trip measurement of unary calls and of ping-pong on a bidi stream. */
import { grpc } from '@rustos/platform';

export async function unaryRtt(n: number, call: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(200, n); i++) await call();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await call();
    out.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return out;
}

/** Ping-pong on one stream: send, wait for the answer, send again. Returns µs per round trip. */
export function streamRtt<Req>(n: number, stream: grpc.ClientDuplexStream<Req, unknown>, message: (id: number) => Req): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const out: number[] = [];
    const warm = Math.min(200, n);
    let i = 0;
    let t = process.hrtime.bigint();
    stream.on('data', () => {
      if (i >= warm) out.push(Number(process.hrtime.bigint() - t) / 1000);
      if (++i >= n + warm) {
        stream.end();
        return resolve(out);
      }
      t = process.hrtime.bigint();
      stream.write(message(i));
    });
    stream.on('error', reject);
    stream.write(message(0));
  });
}
