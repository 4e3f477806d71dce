// Drives headless Chromium through the GraphiQL page that capgraph serves, for tests/graphiql.rs.
//
// Usage: node tests/browser/graphiql.mjs <page-url> <query> <screenshot.png>
// Env:   CHROMIUM  the browser to drive (default /usr/bin/chromium); puppeteer-core never fetches one.
//
// It only drives and observes: it loads the page, waits for the editor, sets the query, presses
// run, waits for the answer and takes a screenshot. It prints one JSON line on stdout, and the Rust
// test judges it: { result, requests, failedRequests, pageErrors, consoleErrors, timings }.
// The network is off for the browser: every host name resolves to nothing but 127.0.0.1, and any
// other traffic goes to a proxy on a closed loopback port, so a page that needed a CDN would fail.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const [url, query, screenshot] = process.argv.slice(2);
if (!url || !query || !screenshot) {
  console.error('usage: node tests/browser/graphiql.mjs <page-url> <query> <screenshot.png>');
  process.exit(2);
}

// Long enough for a slow CI machine, short enough that the Rust test ends well inside a minute.
const STEP_TIMEOUT_MS = 20_000;

const started = Date.now();
const timings = {};
const mark = (name) => {
  timings[name] = Date.now() - started;
};

// A fresh profile: GraphiQL keeps the last query and tabs in localStorage.
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
    // The network is off: no name resolves but the loopback address itself...
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    // ...and a request to a literal address goes to a proxy that is not there. Chromium never
    // sends loopback traffic through a proxy, so the server on 127.0.0.1 is still reached.
    '--proxy-server=http://127.0.0.1:9',
  ],
});

try {
  mark('launched');
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);

  const requests = [];
  const failedRequests = [];
  const pageErrors = [];
  const consoleErrors = [];
  // GraphiQL's fonts are inlined as data: URLs; keep only their start, for readable reports.
  page.on('request', (request) => {
    const url = request.url();
    requests.push(url.startsWith('data:') ? `${url.slice(0, 32)}…` : url);
  });
  page.on('requestfailed', (request) =>
    failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`),
  );
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });

  await page.goto(url, { waitUntil: 'load' });
  mark('loaded');

  // The editor is ready once CodeMirror holds the default query the server put in the page.
  await page.waitForFunction(() => {
    const editor = document.querySelector('.graphiql-container .graphiql-query-editor .CodeMirror');
    return editor?.CodeMirror?.getValue().includes('project(id:');
  });
  mark('editorReady');

  await page.evaluate((text) => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(text);
  }, query);

  // GraphiQL also POSTs an introspection query on load, and may show its reply in the result
  // pane: wait for the POST that carries our query, not just any reply.
  const answered = page.waitForResponse(
    (response) =>
      response.request().method() === 'POST' &&
      new URL(response.url()).pathname === '/graphql' &&
      !(response.request().postData() ?? '').includes('IntrospectionQuery'),
  );
  await page.click('button.graphiql-execute-button');
  const response = await answered;
  mark('answered');

  // The pane fills after the reply arrives: wait until it holds a JSON answer with `data`.
  const result = await page
    .waitForFunction(() => {
      const text = document
        .querySelector('section.result-window .CodeMirror')
        ?.CodeMirror?.getValue();
      try {
        return JSON.parse(text).data ? text : false;
      } catch {
        return false;
      }
    })
    .then((handle) => handle.jsonValue());
  mark('shown');

  await page.screenshot({ path: screenshot });
  mark('screenshot');

  console.log(
    JSON.stringify({
      result,
      status: response.status(),
      requests,
      failedRequests,
      pageErrors,
      consoleErrors,
      timings,
    }),
  );
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
