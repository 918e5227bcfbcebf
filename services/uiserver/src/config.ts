/**
 * uiserver's settings, from its manifest's environment (RUSTOS_UI_HTTP, set in
 * the system's environment, overrides the web address: tests use port 0).
 */
import { DEFAULT_FONT } from './render/psf.js';

export interface UiConfig {
  width: number;
  height: number;
  font: string;
  host: string;
  port: number;
  shell: string[];
}

export function uiConfig(env: NodeJS.ProcessEnv = process.env): UiConfig {
  const size = /^(\d+)x(\d+)$/.exec(env.UISERVER_DISPLAY ?? '') ?? [ '', '1024', '768' ];
  const http = env.RUSTOS_UI_HTTP ?? env.UISERVER_HTTP ?? '127.0.0.1:7780';
  const colon = http.lastIndexOf(':');
  return {
    width: Math.max(64, Math.min(4096, Number(size[1]))),
    height: Math.max(64, Math.min(4096, Number(size[2]))),
    font: env.UISERVER_FONT || DEFAULT_FONT,
    host: colon > 0 ? http.slice(0, colon) : '127.0.0.1',
    port: Number(colon >= 0 ? http.slice(colon + 1) : http) || 0,
    shell: (env.UISERVER_SHELL ?? '/bin/sh').split(/\s+/).filter(Boolean),
  };
}
