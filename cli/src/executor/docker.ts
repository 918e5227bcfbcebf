/**
 * The restart executor of a container deployment (the compose counterpart of the
 * local launcher). Docker's restart policy restarts a container whose process
 * fails, but deliberately not one stopped by `docker kill`; a microkernel system
 * must recover from that too. This process watches the Docker engine's events for
 * the containers of its own deployment and starts any that dies with a non-zero
 * status, unless the container was being stopped or removed (`docker stop`,
 * `docker compose down`). rootd, not this process, decides when a restarted
 * service is admitted again.
 *
 * Never: restarts a container that exited with status 0 (a service whose restart
 * budget is exhausted exits 0 and must stay down), or touches containers outside
 * its deployment.
 */
import { request } from 'node:http';
import { hostname } from 'node:os';

const SOCKET = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';
/** How long after a container dies a `stop`/`destroy` event may still arrive and mean "leave it down". */
const SETTLE_MS = 250;

interface DockerEvent {
  Type: string;
  Action: string;
  id: string;
  Actor: { ID: string; Attributes: Record<string, string> };
}

function api<T>(method: string, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: SOCKET, method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 300) return reject(new Error(`${method} ${path}: ${res.statusCode} ${text.trim()}`));
        resolve((text ? JSON.parse(text) : undefined) as T);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function log(msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), svc: 'executor', msg, ...extra })}\n`);
}

/** The deployment this executor belongs to: its own container's compose project, or RUSTOS_DEPLOYMENT. */
async function deploymentLabel(): Promise<[string, string]> {
  if (process.env.RUSTOS_DEPLOYMENT) return ['rustos.deployment', process.env.RUSTOS_DEPLOYMENT];
  const me = await api<{ Config: { Labels: Record<string, string> } }>('GET', `/containers/${hostname()}/json`);
  const project = me.Config.Labels['com.docker.compose.project'];
  if (project) return ['com.docker.compose.project', project];
  const deployment = me.Config.Labels['rustos.deployment'];
  if (deployment) return ['rustos.deployment', deployment];
  throw new Error('cannot tell which deployment this executor belongs to (no compose project label, no RUSTOS_DEPLOYMENT)');
}

async function main(): Promise<void> {
  const [key, value] = await deploymentLabel();
  const self = hostname();
  log(`restart executor watching containers labelled ${key}=${value}`);
  const leaving = new Set<string>();
  const filters = encodeURIComponent(JSON.stringify({ type: ['container'], label: [`${key}=${value}`] }));
  const req = request({ socketPath: SOCKET, method: 'GET', path: `/events?filters=${filters}` }, (res) => {
    let buffer = '';
    res.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) onEvent(JSON.parse(line) as DockerEvent);
      }
    });
    res.on('end', () => { log('event stream ended'); process.exit(1); });
  });
  req.on('error', (err) => { log(`docker events failed: ${err.message}`); process.exit(1); });
  req.end();

  function onEvent(ev: DockerEvent): void {
    const id = ev.Actor.ID;
    const name = ev.Actor.Attributes.name ?? id.slice(0, 12);
    if (id.startsWith(self)) return;
    if (ev.Action === 'stop' || ev.Action === 'destroy' || ev.Action.startsWith('kill') && ev.Actor.Attributes.signal === '15') leaving.add(id);
    if (ev.Action === 'start') leaving.delete(id);
    if (ev.Action !== 'die') return;
    const status = Number(ev.Actor.Attributes.exitCode ?? 0);
    if (status === 0) return;
    setTimeout(() => {
      if (leaving.has(id)) return log(`${name} stopped (status ${status}); leaving it down`);
      log(`${name} died with status ${status}; starting it again`, { container: name, status });
      api('POST', `/containers/${id}/start`).catch((err: Error) => log(`start ${name} failed: ${err.message}`));
    }, SETTLE_MS);
  }
}

process.on('SIGTERM', () => process.exit(0));
main().catch((err: Error) => {
  log(`executor failed: ${err.message}`);
  process.exit(1);
});
