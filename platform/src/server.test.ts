import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.js';
import { FLOW_CONTROL_WINDOW } from './grpc.js';

test('a process server offers every HTTP/2 connection the wide receive window, not the 64 KiB default', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'server-')), 's.sock');
  const served = await startServer(`unix:${path}`, []);
  const session = connect('http://localhost', { createConnection: () => netConnect(path) });
  try {
    const window = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server's initial window stayed ${session.remoteSettings?.initialWindowSize}`)), 3000);
      session.on('remoteSettings', (s) => {
        if (s.initialWindowSize === FLOW_CONTROL_WINDOW) { clearTimeout(timer); resolve(s.initialWindowSize); }
      });
    });
    assert.equal(window, FLOW_CONTROL_WINDOW);
  } finally {
    session.close();
    await served.close();
  }
});
