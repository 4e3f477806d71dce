// Drives headless Chromium through the explorer (/explore) that capgraph serves, for tests/explore.rs.
//
// Usage: node tests/browser/explore.mjs <origin> <config.json>
//   origin  the server, e.g. http://127.0.0.1:PORT
//   config  { mapShot, graphShot, narrowShot, filter: { country, from }, graphNode, pathTo,
//             recentreOn, search }
// Env:     CHROMIUM  the browser to drive (default /usr/bin/chromium); puppeteer-core never fetches one.
//
// It only drives and observes, as a person would: it counts the markers on the map, clicks one
// and reads the detail panel, sets filters in the form and reloads, opens the graph of a node
// with a path highlighted, clicks a node in the graph, re-centres from the keyboard, searches,
// and reads the page at 360 px wide. It prints one JSON line on stdout, and the Rust test judges
// it against the API.
//
// The network is off for the browser, as offline.mjs sets it up: no host name resolves but
// 127.0.0.1, other traffic goes to a proxy on a closed port, and on top of that every request
// for anything but the server's origin (or a data: URL) is intercepted, aborted and reported.

import { readFileSync } from 'node:fs';
import { launchOffline, STEP_TIMEOUT_MS, stopwatch } from './offline.mjs';

const [origin, configPath] = process.argv.slice(2);
if (!origin || !configPath) {
  console.error('usage: node tests/browser/explore.mjs <origin> <config.json>');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8'));

const { timings, mark } = stopwatch();
// Stable screenshots: the same fonts and no smoothing differences between runs.
const { browser, close } = await launchOffline(['--font-render-hinting=none']);

const report = {
  requests: [],
  blocked: [],
  failedRequests: [],
  pageErrors: [],
  consoleErrors: [],
  timings,
};

try {
  mark('launched');
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    const local = url.startsWith(`${origin}/`) || url.startsWith('data:');
    report.requests.push(url.startsWith('data:') ? `${url.slice(0, 16)}…` : url);
    if (local) {
      request.continue();
    } else {
      report.blocked.push(url);
      request.abort('blockedbyclient');
    }
  });
  page.on('requestfailed', (request) => {
    if (!report.blocked.includes(request.url())) {
      report.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`);
    }
  });
  page.on('pageerror', (error) => report.pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') report.consoleErrors.push(message.text());
  });

  const mapReady = () =>
    page.waitForFunction(() => document.body.dataset.map === 'ready' && document.body.dataset.outlines === 'ready');
  const graphReady = () => page.waitForFunction(() => document.body.dataset.graph === 'ready');
  const detailShows = (id) => page.waitForFunction((id) => document.body.dataset.detail === id, {}, id);

  // What the map shows: pins one by one, and clusters with their counts by kind.
  const countMarkers = () =>
    page.evaluate(() => {
      const box = document.querySelector('#map').getBoundingClientRect();
      const inside = (el) => {
        const r = el.getBoundingClientRect();
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        return x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
      };
      const pins = [...document.querySelectorAll('#map .leaflet-marker-icon.pin')];
      const clusters = [...document.querySelectorAll('#map .leaflet-marker-icon.cluster [data-projects]')];
      const sum = (list, key) => list.reduce((n, el) => n + Number(el.dataset[key]), 0);
      return {
        projects: pins.filter((p) => p.dataset.kind === 'PROJECT').length + sum(clusters, 'projects'),
        zones: pins.filter((p) => p.dataset.kind === 'ZONE').length + sum(clusters, 'zones'),
        pins: pins.length,
        clusters: clusters.length,
        outside: [...pins, ...clusters.map((c) => c.parentElement)].filter((el) => !inside(el)).length,
        pageSays: document.querySelector('#map-status').textContent,
      };
    });

  // ---- the whole map
  const loadStarted = Date.now();
  await page.goto(`${origin}/explore`, { waitUntil: 'load' });
  await mapReady();
  report.mapReadyMs = Date.now() - loadStarted;
  report.navigationToReadyMs = Math.round(await page.evaluate(() => performance.now()));
  mark('mapReady');
  report.allMarkers = await countMarkers();

  // ---- a click on a project's marker (zooming into a cluster if no project stands alone)
  for (let i = 0; i < 6; i += 1) {
    if (await page.$('#map .leaflet-marker-icon.pin[data-kind="PROJECT"]')) break;
    await page.click('#map .leaflet-marker-icon.cluster');
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  const clicked = await page.$eval('#map .leaflet-marker-icon.pin[data-kind="PROJECT"]', (el) => el.dataset.id);
  await page.click(`#map .leaflet-marker-icon.pin[data-id="${clicked}"]`);
  await detailShows(clicked);
  report.clicked = await page.evaluate((clicked) => ({
    id: clicked,
    title: document.querySelector('#detail h2')?.textContent,
    url: location.search,
    enterprises: [...document.querySelectorAll('#detail ul.parties > li')].map((li) => ({
      id: li.dataset.id,
      roles: li.dataset.roles ? li.dataset.roles.split(',') : [],
      parent: li.querySelector('.muted [data-id]')?.dataset.id ?? null,
    })),
    sourceLinks: [...document.querySelectorAll('#detail ol.sources a[href]')].map((a) => a.href),
  }), clicked);
  mark('clicked');

  // Enter on another marker, reached from the keyboard, shows that one.
  const other = await page.$$eval(
    '#map .leaflet-marker-icon.pin[data-id]',
    (pins, clicked) => pins.map((pin) => pin.dataset.id).filter((id) => id !== clicked).pop() ?? null,
    clicked,
  );
  if (other) {
    await page.focus(`#map .leaflet-marker-icon.pin[data-id="${other}"]`);
    await page.keyboard.press('Enter');
    await detailShows(other);
  }
  report.keyboardMarker = {
    id: other,
    shown: await page.evaluate(() => document.body.dataset.detail),
    focusable: await page.$$eval('#map .leaflet-marker-icon', (icons) => icons.every((icon) => icon.tabIndex === 0)),
  };
  // Back to the clicked project, for the screenshot.
  await page.click(`#map .leaflet-marker-icon.pin[data-id="${clicked}"]`);
  await detailShows(clicked);
  await page.screenshot({ path: config.mapShot });
  mark('mapShot');

  // ---- filters set in the form, kept in the URL, restored on reload
  await page.select('#filters select[name="country"]', config.filter.country);
  await mapReady();
  await page.focus('#filters input[name="from"]');
  await page.keyboard.type(String(config.filter.from));
  await page.keyboard.press('Tab'); // `change` fires when the field loses focus
  await page.waitForFunction((from) => location.search.includes(`from=${from}`), {}, config.filter.from);
  await mapReady();
  const urlBefore = await page.evaluate(() => location.search);
  await page.reload({ waitUntil: 'load' });
  await mapReady();
  // The form fills in when the filter choices have arrived from the API.
  await page.waitForFunction(() => document.querySelector('#filters select[name="country"]').options.length > 1);
  report.filtered = {
    urlBefore,
    urlAfter: await page.evaluate(() => location.search),
    form: await page.evaluate(() => {
      const f = document.querySelector('#filters').elements;
      return { country: f.country.value, from: f.from.value, to: f.to.value, sector: f.sector.value };
    }),
    markers: await countMarkers(),
  };
  mark('filterRestored');

  // ---- the graph of a node, with a path highlighted
  const graphUrl = `${origin}/explore?view=graph&node=${encodeURIComponent(config.graphNode)}`
    + `&path=${encodeURIComponent(config.pathTo)}&select=${encodeURIComponent(config.graphNode)}`;
  await page.goto(graphUrl, { waitUntil: 'load' });
  await graphReady();
  await detailShows(config.graphNode);
  const readGraph = () =>
    page.evaluate(() => ({
      centre: new URLSearchParams(location.search).get('node'),
      nodes: [...document.querySelectorAll('#graph-nodes > li')].map((li) => ({ id: li.dataset.id, kind: li.dataset.kind })),
      edges: [...document.querySelectorAll('#graph-edges > li')].map((li) => ({
        from: li.dataset.from, type: li.dataset.type, to: li.dataset.to, text: li.textContent,
      })),
      path: [...document.querySelectorAll('#graph-path > li')].map((li) => li.dataset.id),
      drawn: window.explorer.cy.nodes().map((n) => n.id()),
      highlighted: window.explorer.cy.nodes('.path').map((n) => n.id()),
      pageSays: document.querySelector('#graph-status').textContent,
    }));
  report.graph = await readGraph();
  mark('graphReady');
  await page.screenshot({ path: config.graphShot });
  mark('graphShot');

  // A mouse click on a node in the drawing re-centres the graph on it.
  const point = await page.evaluate((id) => {
    const node = window.explorer.cy.getElementById(id);
    const box = document.querySelector('#graph').getBoundingClientRect();
    const at = node.renderedPosition();
    return { x: box.left + at.x, y: box.top + at.y };
  }, config.recentreOn);
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction(
    (id) => new URLSearchParams(location.search).get('node') === id && document.body.dataset.graph === 'ready',
    {},
    config.recentreOn,
  );
  report.recentred = await readGraph();
  mark('recentred');

  // The same from the keyboard, through the text list of nodes: the first project listed.
  const keyboardOn = report.recentred.nodes.find((n) => n.kind === 'PROJECT' && n.id !== config.recentreOn).id;
  if (!(await page.$eval('#graph-lists', (details) => details.open))) {
    await page.focus('#graph-lists summary');
    await page.keyboard.press('Enter');
  }
  await page.focus(`#graph-nodes button[data-id="${keyboardOn}"]`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (id) => new URLSearchParams(location.search).get('node') === id && document.body.dataset.graph === 'ready',
    {},
    keyboardOn,
  );
  report.keyboard = { chosen: keyboardOn, centre: (await readGraph()).centre };
  mark('keyboard');

  // ---- search
  await page.goto(`${origin}/explore`, { waitUntil: 'load' });
  await mapReady();
  await page.focus('#search-text');
  await page.keyboard.type(config.search);
  await page.waitForFunction(() => document.querySelectorAll('#search-results button[data-id]').length > 0);
  report.search = await page.$$eval('#search-results button[data-id]', (buttons) => buttons.map((b) => b.dataset.id));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await detailShows(report.search[0]);
  mark('search');

  // ---- 360 px wide: nothing wider than the screen
  await page.setViewport({ width: 360, height: 740 });
  await page.goto(`${origin}/explore`, { waitUntil: 'load' });
  await mapReady();
  report.narrow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    overflowing: [...document.querySelectorAll('header *, main *')]
      .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > 360.5)
      .filter((el) => !el.closest('#map'))
      .map((el) => el.id || el.name || el.className || el.tagName),
    markers: document.querySelectorAll('#map .leaflet-marker-icon').length,
  }));
  if (config.narrowShot) await page.screenshot({ path: config.narrowShot, fullPage: true });
  mark('narrow');

  console.log(JSON.stringify(report));
} finally {
  await close();
}
