// What the browser tests share: headless Chromium with the network off, a fresh profile, and
// a stopwatch for the steps a script takes.
//
// The network is off for the browser: every host name resolves to nothing but 127.0.0.1, and any
// other traffic goes to a proxy on a closed loopback port, so a page that needed a CDN would fail.
// Chromium never sends loopback traffic through a proxy, so the server on 127.0.0.1 is reached.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

// Long enough for a slow CI machine, short enough that the Rust test ends well inside its deadline.
export const STEP_TIMEOUT_MS = 20_000;

// Milliseconds since the script started, by step name.
export function stopwatch() {
  const started = Date.now();
  const timings = {};
  return { timings, mark: (name) => { timings[name] = Date.now() - started; } };
}

// Launches Chromium (CHROMIUM, default /usr/bin/chromium; puppeteer-core never fetches one) with
// a new, empty profile, so no earlier run's state leaks in. `close()` ends it and removes the profile.
export async function launchOffline(extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), 'capgraph-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    userDataDir: profile,
    defaultViewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      '--proxy-server=http://127.0.0.1:9',
      ...extraArgs,
    ],
  });
  const close = async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { browser, close };
}
