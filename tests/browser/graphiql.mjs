// Drives headless Chromium through the GraphiQL page that capgraph serves, for tests/graphiql.rs.
//
// Usage: node tests/browser/graphiql.mjs <page-url> <query> <screenshot.png> <text-to-type>
// Env:   CHROMIUM  the browser to drive (default /usr/bin/chromium); puppeteer-core never fetches one.
//
// It only drives and observes: it loads the page, waits for the editor, sets the query, presses
// run, waits for the answer and takes a screenshot; then it opens the documentation explorer on
// the Query type, and types the start of a query into the emptied editor to see what completion
// offers. It prints one JSON line on stdout, and the Rust test judges it: { result, status,
// requests, failedRequests, pageErrors, consoleErrors, docs, typed, completions, timings }.
// The network is off for the browser (see offline.mjs), so a page that needed a CDN would fail.

import { launchOffline, STEP_TIMEOUT_MS, stopwatch } from './offline.mjs';

const [url, query, screenshot, typing] = process.argv.slice(2);
if (!url || !query || !screenshot || !typing) {
  console.error('usage: node tests/browser/graphiql.mjs <page-url> <query> <screenshot.png> <text-to-type>');
  process.exit(2);
}

const { timings, mark } = stopwatch();
// A fresh profile each run: GraphiQL keeps the last query and tabs in localStorage.
const { browser, close } = await launchOffline();

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

  // The documentation explorer, as a person opens it: its button, then the root query type.
  // It shows the schema GraphiQL read by introspection, or an error when it could not.
  await page.click('button[aria-label="Show Documentation Explorer"]');
  const explorer = await page
    .waitForFunction(() => {
      const error = document.querySelector('.graphiql-doc-explorer-error');
      if (error) return { error: error.textContent };
      const query = [...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name')].find(
        (link) => link.textContent === 'Query',
      );
      return query ? { error: null } : false;
    })
    .then((handle) => handle.jsonValue());
  const docs = { error: explorer.error, title: null, queryFields: [] };
  if (!explorer.error) {
    await page.evaluate(() =>
      [...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name')]
        .find((link) => link.textContent === 'Query')
        .click(),
    );
    Object.assign(
      docs,
      await page
        .waitForFunction(() => {
          const fields = [...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-field-name')];
          const title = document.querySelector('.graphiql-doc-explorer-title')?.textContent;
          return fields.length ? { title, queryFields: fields.map((field) => field.textContent) } : false;
        })
        .then((handle) => handle.jsonValue()),
    );
  }
  mark('docs');

  // Completion, as a person meets it: type into the empty editor and read the hint list that
  // CodeMirror (GraphiQL 3) opens from the schema.
  await page.evaluate(() => {
    const editor = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
    editor.setValue('');
    editor.focus();
  });
  await page.keyboard.type(typing, { delay: 50 });
  // The list opens within a keystroke once GraphiQL has the schema: no need to wait long for it.
  const completions = await page
    .waitForFunction(
      () => {
        const hints = [...document.querySelectorAll('ul.CodeMirror-hints li.CodeMirror-hint')];
        return hints.length ? hints.map((hint) => hint.textContent) : false;
      },
      { timeout: 5_000 },
    )
    .then((handle) => handle.jsonValue())
    .catch((error) => ({ error: String(error) }));
  const typed = await page.evaluate(
    () => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue(),
  );
  mark('completions');

  console.log(
    JSON.stringify({
      result,
      status: response.status(),
      requests,
      failedRequests,
      pageErrors,
      consoleErrors,
      docs,
      typed,
      completions,
      timings,
    }),
  );
} finally {
  await close();
}
