/**
 * The display page in Debian's chromium (playwright-core, headless) for the UI
 * tests: the page of a booted system, opened and connected, and the console's
 * text as the page's server reports it.
 */
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { ScreenText } from '@rustos/uiserver/dist/terminal/terminal.js';

const CHROMIUM = process.env.RUSTOS_CHROMIUM ?? '/usr/bin/chromium';

export async function screenText(url: string): Promise<ScreenText> {
  const r = await fetch(new URL('console.json', url));
  return await r.json() as ScreenText;
}

/** Open `url` (the display page) with a profile under `artefacts`; resolves once the first frame is drawn. */
export async function openDisplayPage(url: string, artefacts: string): Promise<{ browser: BrowserContext; page: Page }> {
  const browser = await chromium.launchPersistentContext(join(artefacts, 'profile'), {
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1100, height: 840 },
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  await page.goto(url);
  await page.waitForFunction('window.rustos.connected && window.rustos.frames > 0');
  return { browser, page };
}

/** US-layout characters typed with Shift, and the key under them. */
const SHIFTED: Record<string, string> = {
  '!': 'Digit1', '@': 'Digit2', '#': 'Digit3', '$': 'Digit4', '%': 'Digit5', '^': 'Digit6', '&': 'Digit7', '*': 'Digit8', '(': 'Digit9', ')': 'Digit0',
  '_': 'Minus', '+': 'Equal', '{': 'BracketLeft', '}': 'BracketRight', '|': 'Backslash', ':': 'Semicolon', '"': 'Quote', '<': 'Comma', '>': 'Period', '?': 'Slash', '~': 'Backquote',
};

/**
 * Type `text` as a person would, holding Shift for capitals and symbols: the
 * page sends key codes (not characters) and the guest's keyboard applies the
 * modifiers, so Playwright's type() — which sends no Shift — would lose them.
 */
export async function typeText(page: Page, text: string): Promise<void> {
  for (const ch of text) {
    const code = SHIFTED[ch] ?? (/[A-Z]/.test(ch) ? `Key${ch}` : undefined);
    if (code) await page.keyboard.press(`Shift+${code}`);
    else await page.keyboard.type(ch);
  }
}
