/**
 * The page the web display serves: a canvas showing the framebuffer as damage
 * rectangles arrive, and the keyboard and pointer sent back. Self-contained (no
 * other resource is fetched). `window.rustos` exposes frame events for tests
 * and latency measurement.
 */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>RustOS-TS display</title>
<style>
  html, body { margin: 0; background: #222; color: #aaa; font: 13px sans-serif; }
  #bar { padding: 4px 8px; }
  canvas { display: block; margin: 0 auto; image-rendering: pixelated; outline: none; cursor: default; }
</style>
</head>
<body>
<div id="bar">RustOS-TS display — <span id="state">connecting…</span></div>
<canvas id="screen" tabindex="0" width="640" height="480"></canvas>
<script>
(() => {
  const canvas = document.getElementById('screen');
  const ctx = canvas.getContext('2d');
  const state = document.getElementById('state');
  const listeners = [];
  const rustos = window.rustos = {
    frames: 0, connected: false,
    /** Call fn with every rectangle drawn ({x, y, w, h, t}); returns the unsubscribe function. */
    onFrame(fn) { listeners.push(fn); return () => { const i = listeners.indexOf(fn); if (i >= 0) listeners.splice(i, 1); }; },
  };
  let ws;

  function connect() {
    ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') {
        const m = JSON.parse(ev.data);
        if (m.type === 'hello') { canvas.width = m.width; canvas.height = m.height; rustos.connected = true; state.textContent = 'connected'; }
        return;
      }
      const h = new DataView(ev.data, 0, 8);
      const x = h.getUint16(0, true), y = h.getUint16(2, true), w = h.getUint16(4, true), hh = h.getUint16(6, true);
      ctx.putImageData(new ImageData(new Uint8ClampedArray(ev.data, 8, w * hh * 4), w, hh), x, y);
      rustos.frames++;
      const rect = { x, y, w, h: hh, t: performance.now() };
      for (const fn of listeners.slice()) fn(rect);
    };
    ws.onclose = () => { rustos.connected = false; state.textContent = 'disconnected, retrying…'; setTimeout(connect, 1000); };
  }
  connect();

  const send = (m) => { if (ws && ws.readyState === 1) ws.send(JSON.stringify(m)); };
  const key = (down) => (e) => {
    // The page is the keyboard: the browser's own shortcuts do not apply while it has focus.
    e.preventDefault();
    send({ type: 'key', code: e.code, down });
  };
  window.addEventListener('keydown', key(true));
  window.addEventListener('keyup', key(false));
  const pointer = (e) => {
    const r = canvas.getBoundingClientRect();
    send({ type: 'pointer', x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height, buttons: e.buttons });
  };
  for (const t of ['mousemove', 'mousedown', 'mouseup']) canvas.addEventListener(t, pointer);
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  canvas.focus();
})();
</script>
</body>
</html>
`;
