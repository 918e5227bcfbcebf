/**
 * The reference for broker round trips: a bare grpc-js server in its own process
 * serving the same MmBroker contract with handlers that do nothing, so the
 * benchmark can put the real broker beside "just gRPC" measured in the same run.
 * Prints its address on stdout and serves until killed.
 */
import { grpc, rustos } from '@rustos/platform';

const server = new grpc.Server();
server.addService(rustos().MmBroker.service, {
  Call: (call: grpc.ServerUnaryCall<{ id: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, { id: call.request.id, errno: 0 }),
  Stream: (call: grpc.ServerDuplexStream<{ id: number }, unknown>) => {
    call.on('data', (req: { id: number }) => call.write({ id: req.id, errno: 0 }));
    call.on('end', () => call.end());
  },
});
server.bindAsync(process.argv[2] ?? '127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`${process.argv[2] ?? `127.0.0.1:${port}`}\n`);
});
