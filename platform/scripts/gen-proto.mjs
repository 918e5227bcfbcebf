// Generates TypeScript types for the contracts in proto/ (handlers and clients are
// then typed from the .proto files, never by hand). proto-loader-gen-types writes
// extension-less relative imports; Node's ESM resolution needs ".js", so add it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const platform = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoRoot = join(platform, '..', 'proto');
const out = join(platform, 'src', 'gen');

function walk(dir, ext) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : []);
}

const protos = walk(protoRoot, '.proto').map((p) => relative(protoRoot, p)).sort();
const stamp = join(out, '.stamp');
const newest = Math.max(...protos.map((p) => statSync(join(protoRoot, p)).mtimeMs), statSync(fileURLToPath(import.meta.url)).mtimeMs);
let upToDate = false;
try { upToDate = Number(readFileSync(stamp, 'utf8')) >= newest && statSync(join(platform, 'dist', 'contracts.json')).isFile(); } catch { /* first run */ }
if (!upToDate) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const bin = join(platform, '..', 'node_modules', '.bin', 'proto-loader-gen-types');
  execFileSync(bin, [...protos, '--longs=Number', '--enums=String', '--defaults', '--oneofs',
    '--includeComments', '--grpcLib=@grpc/grpc-js', `--outDir=${out}`, '-I', protoRoot], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const file of walk(out, '.ts')) {
    const text = readFileSync(file, 'utf8').replace(/from '(\.{1,2}\/[^']+)'/g, (_m, p) => `from '${p}.js'`);
    writeFileSync(file, text);
  }
  // The same contracts as one JSON descriptor: loading it is ~5x cheaper than parsing
  // .proto files, which every process does at start.
  const { default: protobuf } = await import('protobufjs');
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoRoot, target);
  root.loadSync(protos, { keepCase: false });
  mkdirSync(join(platform, 'dist'), { recursive: true });
  writeFileSync(join(platform, 'dist', 'contracts.json'), JSON.stringify({ files: protos, root: root.toJSON() }));
  writeFileSync(stamp, String(newest));
  console.log(`generated contract types for ${protos.length} proto files`);
}
