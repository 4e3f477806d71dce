// The capgraph explorer: projects and zones on a map, and the relationships around any node as a
// graph. Everything it shows comes from the public GraphQL API (POST /graphql); the libraries
// (Leaflet, leaflet.markercluster, topojson-client, and Cytoscape.js once a graph is drawn) are
// globals from scripts served beside it, and the only other thing it fetches is the country outlines.
//
// The query string holds the view (filters, selection, graph centre, depth, edge types, path
// target), so a URL shares a view and a reload restores it.
//
// For the browser test and curious readers, `body[data-map]`, `body[data-graph]` and
// `body[data-detail]` say when each part has finished drawing, and `window.explorer` holds the
// Leaflet map and the Cytoscape instance.

(function () {
  'use strict';

  // ---------------------------------------------------------------- the API

  const PAGE = 500; // the server's default largest page

  async function gql(query, variables) {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
    let body;
    try {
      body = await response.json();
    } catch {
      throw new Error(`the server answered ${response.status} without JSON`);
    }
    if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    if (!response.ok || !body.data) throw new Error(`the server answered ${response.status}`);
    return body.data;
  }

  const FACETS = `{
    countries: projectAggregates(groupBy: HOST_COUNTRY) { key label count }
    statuses: projectAggregates(groupBy: STATUS) { key count }
    years: projectAggregates(groupBy: START_YEAR) { key }
    sectors(first: 100) { nodes { id name parent { id } } }
    enterprises(first: ${PAGE}) { nodes { id name } }
  }`;

  const MARKERS = `query Markers($pf: ProjectFilter, $zf: ZoneFilter, $pa: String, $za: String,
      $withProjects: Boolean!, $withZones: Boolean!) {
    projects(filter: $pf, first: ${PAGE}, after: $pa) @include(if: $withProjects) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id name status startYear location { lat lon } sectors { tier } }
    }
    zones(filter: $zf, first: ${PAGE}, after: $za) @include(if: $withZones) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id name status established location { lat lon } sectors { tier } }
    }
  }`;

  const SOURCES = 'sources { id title url publisher date }';
  const PARTIES = 'edges { roles share node { id name parent { id name } } }';
  // What the detail panel asks for, by the kind an ID names (`kind:slug`).
  const DETAIL = {
    project: ['Project', `status startYear completionYear valueUsd
      value { amount currency year usd approximate label }
      capacity { value unit approximate label } location { lat lon precision }
      hostCountries { id name } sectors { id name } zone { id name } frameworks { id name }
      enterprises(first: 100) { totalCount ${PARTIES} } description notes ${SOURCES}`],
    zone: ['Zone', `status established zoneKind nationalLevel areaKm2 { value unit }
      location { lat lon precision } country { id name } sectors { id name }
      developers(first: 100) { totalCount ${PARTIES} }
      projects(first: 100) { totalCount nodes { id name } } description notes ${SOURCES}`],
    enterprise: ['Enterprise', `ownership headquarters { id name } parent { id name }
      subsidiaries(first: 100) { totalCount nodes { id name } } zones { id name }
      projects(first: 100) { totalCount edges { roles node { id name } } } description notes ${SOURCES}`],
    country: ['Country', `officialName capital aseanMember frameworks { id name }
      projects(first: 100) { totalCount nodes { id name } } zones(first: 100) { totalCount nodes { id name } }
      description notes ${SOURCES}`],
    sector: ['Sector', `tier parent { id name } children { id name }
      projects(first: 100) { totalCount nodes { id name } } description notes ${SOURCES}`],
    framework: ['Framework', `frameworkKind launched members { id name }
      projects(first: 100) { totalCount nodes { id name } } description notes ${SOURCES}`],
    indicator: ['Indicator', `value unit asOf scope approximate about { id name } description notes ${SOURCES}`],
    source: ['Source', 'title url publisher date description notes'],
  };

  const NEIGHBORS = `query Neighbors($id: ID!, $depth: Int!, $types: [EdgeType!]) {
    neighbors(id: $id, depth: $depth, edgeTypes: $types) {
      nodes { id kind name } edges { fromId toId type roles }
    }
  }`;

  const PATH = `query Path($from: ID!, $to: ID!, $types: [EdgeType!]) {
    path(from: $from, to: $to, maxDepth: 6, edgeTypes: $types) {
      length nodes { id kind name } edges { fromId toId type roles }
    }
  }`;

  const SEARCH = `query Search($text: String!) {
    search(text: $text, first: 10) { score node { id kind name } }
  }`;

  // ---------------------------------------------------------------- words

  const EDGE_TYPES = ['PARTICIPATES_IN', 'LOCATED_IN', 'IN_SECTOR', 'HEADQUARTERED_IN', 'SUBSIDIARY_OF',
    'DEVELOPS', 'IN_ZONE', 'ALIGNED_WITH', 'MEMBER_OF', 'SUBSECTOR_OF', 'ABOUT'];
  const KINDS = ['PROJECT', 'ZONE', 'ENTERPRISE', 'COUNTRY', 'SECTOR', 'FRAMEWORK', 'INDICATOR', 'SOURCE'];
  const TIERS = ['INFRASTRUCTURE', 'TRADITIONAL_INDUSTRIES', 'EMERGING_INDUSTRIES'];
  const STATUSES = ['OPERATIONAL', 'COMPLETED', 'UNDER_CONSTRUCTION', 'PLANNED', 'SUSPENDED', 'CANCELLED', 'UNKNOWN'];
  // ISO 3166-1 numeric codes, as world-atlas names its countries, of the countries the data covers.
  const NUMERIC = { BN: '096', KH: '116', ID: '360', LA: '418', MY: '458', MM: '104', PH: '608',
    SG: '702', TH: '764', VN: '704', TL: '626', CN: '156' };
  const COVERED = new Set(Object.values(NUMERIC));

  const words = (value) => {
    const text = String(value).toLowerCase().replace(/_/g, ' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  const lower = (value) => String(value).toLowerCase().replace(/_/g, ' ');
  const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
  const kindOf = (id) => String(id).split(':')[0];
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  // ---------------------------------------------------------------- the URL

  const state = readState();

  function readState() {
    const p = new URLSearchParams(location.search);
    const year = (v) => (/^\d{4}$/.test(v || '') ? Number(v) : null);
    const edges = (p.get('edges') || '').split(',').filter((t) => EDGE_TYPES.includes(t));
    return {
      view: p.get('view') === 'graph' ? 'graph' : 'map',
      country: p.get('country') || '',
      sector: p.get('sector') || '',
      status: p.get('status') || '',
      enterprise: p.get('enterprise') || '',
      from: year(p.get('from')),
      to: year(p.get('to')),
      colour: p.get('colour') === 'status' ? 'status' : 'tier',
      select: p.get('select') || '',
      node: p.get('node') || '',
      depth: p.get('depth') === '2' ? 2 : 1,
      edges: edges.length ? edges : null,
      path: p.get('path') || '',
    };
  }

  // The URL of the view with some of the state changed.
  function urlOf(changes) {
    const view = { ...state, ...changes };
    const p = new URLSearchParams();
    const put = (key, value) => {
      if (value !== null && value !== '' && value !== undefined) p.set(key, value);
    };
    if (view.view !== 'map') put('view', view.view);
    ['country', 'sector', 'status', 'enterprise', 'from', 'to'].forEach((k) => put(k, view[k]));
    if (view.colour !== 'tier') put('colour', view.colour);
    put('select', view.select);
    put('node', view.node);
    if (view.depth !== 1) put('depth', view.depth);
    if (view.edges) put('edges', view.edges.join(','));
    put('path', view.path);
    const query = p.toString();
    return location.pathname + (query ? `?${query}` : '');
  }

  function writeState() {
    history.replaceState(null, '', urlOf({}));
  }

  function projectFilter() {
    const f = {};
    if (state.country) f.hostCountry = [state.country];
    if (state.sector) f.sector = [state.sector];
    if (state.status) f.status = [state.status];
    if (state.enterprise) f.enterprise = [state.enterprise];
    if (state.from !== null || state.to !== null) f.startYear = { min: state.from, max: state.to };
    return f;
  }

  // A zone has a country, sectors, a status, developers and a year established: the same filter,
  // read for zones.
  function zoneFilter() {
    const f = {};
    if (state.country) f.hostCountry = [state.country];
    if (state.sector) f.sector = [state.sector];
    if (state.status) f.status = [state.status];
    if (state.enterprise) f.developer = [state.enterprise];
    if (state.from !== null || state.to !== null) f.established = { min: state.from, max: state.to };
    return f;
  }

  // ---------------------------------------------------------------- DOM helpers

  const $ = (selector) => document.querySelector(selector);

  // h('a', { href }, 'text', child...): an element, with text set safely.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  function setStatus(el, text, isError) {
    el.textContent = text;
    el.classList.toggle('error', Boolean(isError));
  }

  // A button that shows a node's details.
  // A link to a node's details: followed here, or opened elsewhere as a view of its own.
  function nodeLink(node) {
    return h('a', {
      href: urlOf({ select: node.id }),
      'data-id': node.id,
      onclick: (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        select(node.id, { focus: true });
      },
    }, node.name);
  }

  // ---------------------------------------------------------------- tabs

  const tabs = { map: $('#tab-map'), graph: $('#tab-graph') };
  const panels = { map: $('#map-view'), graph: $('#graph-view') };

  function showView(view, focus) {
    state.view = view;
    for (const name of ['map', 'graph']) {
      const on = name === view;
      tabs[name].setAttribute('aria-selected', String(on));
      tabs[name].tabIndex = on ? 0 : -1;
      panels[name].hidden = !on;
    }
    if (focus) tabs[view].focus();
    writeState();
    if (view === 'map') map.invalidateSize();
    else if (cy) cy.resize();
  }

  for (const [name, tab] of Object.entries(tabs)) {
    tab.addEventListener('click', () => {
      showView(name);
      if (name === 'graph' && !graphDrawn) drawGraph();
    });
    tab.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
        const next = name === 'map' ? 'graph' : 'map';
        showView(next, true);
        if (next === 'graph' && !graphDrawn) drawGraph();
      }
    });
  }

  // ---------------------------------------------------------------- the map

  const ASEAN = L.latLngBounds([-11, 92], [28.5, 141]);
  // Outlines are drawn for this part of the world only: drawing them all costs four times as much.
  const REGION = L.latLngBounds([-25, 60], [60, 165]);
  const map = L.map('map', { minZoom: 3, maxZoom: 13, zoomSnap: 0.25, maxBounds: REGION.pad(0.2) });
  map.fitBounds(ASEAN, { animate: false });
  map.attributionControl.addAttribution('Outlines: Natural Earth (public domain)');

  const outlines = L.geoJSON(null, {
    interactive: false,
    renderer: L.canvas({ padding: 0.3 }),
    style: outlineStyle,
  }).addTo(map);

  const cssColours = {};
  for (const name of ['--land-line', '--chosen', '--asean', '--land']) {
    cssColours[name] = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function outlineStyle(feature) {
    const chosen = state.country && NUMERIC[state.country] === feature.id;
    const covered = COVERED.has(feature.id);
    return {
      color: cssColours['--land-line'],
      weight: covered ? 1 : 0.6,
      fillColor: cssColours[chosen ? '--chosen' : covered ? '--asean' : '--land'],
      fillOpacity: 1,
    };
  }

  // Whether any point of a feature lies in the region (outlines elsewhere are never seen).
  function inRegion(feature) {
    const west = REGION.getWest();
    const east = REGION.getEast();
    const south = REGION.getSouth();
    const north = REGION.getNorth();
    const walk = (c) => (typeof c[0] === 'number'
      ? c[0] >= west && c[0] <= east && c[1] >= south && c[1] <= north
      : c.some(walk));
    return feature.geometry !== null && walk(feature.geometry.coordinates);
  }

  fetch('/explore/assets/countries-50m.json')
    .then((response) => response.json())
    .then((topology) => {
      const countries = topojson.feature(topology, topology.objects.countries);
      outlines.addData(countries.features.filter(inRegion));
      document.body.dataset.outlines = 'ready';
    })
    .catch((error) => setStatus($('#map-status'), `Country outlines did not load: ${error.message}`, true));

  // The filters or the details can change the map's size; Leaflet only watches the window.
  new ResizeObserver(() => map.invalidateSize({ pan: false })).observe($('#map'));

  const clusters = L.markerClusterGroup({
    // Counts on screen are the counts the API gave as soon as a view settles: no split animation.
    animate: false,
    maxClusterRadius: 24,
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    iconCreateFunction: clusterIcon,
  }).addTo(map);
  // Enter on a focused cluster does what a click does.
  clusters.on('clusterkeypress', (event) => {
    if (event.originalEvent.key !== 'Enter') return;
    if (map.getZoom() >= map.getMaxZoom()) event.layer.spiderfy();
    else event.layer.zoomToBounds({ padding: [20, 20] });
  });

  // A DivIcon whose element gets a background through the CSSOM: the page's CSP allows no style
  // attributes in markup.
  const RingIcon = L.DivIcon.extend({
    createIcon(old) {
      const el = L.DivIcon.prototype.createIcon.call(this, old);
      el.style.background = this.options.ring;
      return el;
    },
  });

  // The colour a class such as `c-tier-INFRASTRUCTURE` paints, read once from the stylesheet.
  const classColours = new Map();
  function classColour(cls) {
    if (!classColours.has(cls)) {
      const probe = h('span', { class: cls, hidden: true });
      document.body.append(probe);
      classColours.set(cls, getComputedStyle(probe).backgroundColor);
      probe.remove();
    }
    return classColours.get(cls);
  }

  function clusterIcon(cluster) {
    const children = cluster.getAllChildMarkers();
    const zones = children.filter((m) => m.options.kind === 'ZONE').length;
    const projects = children.length - zones;
    const size = children.length < 10 ? 30 : children.length < 40 ? 36 : 44;
    const counts = new Map();
    for (const m of children) {
      const cls = colourClass(m.item);
      counts.set(cls, (counts.get(cls) || 0) + 1);
    }
    let at = 0;
    const stops = [...counts.entries()].sort().map(([cls, n]) => {
      const from = (at / children.length) * 360;
      at += n;
      return `${classColour(cls)} ${from}deg ${(at / children.length) * 360}deg`;
    });
    return new RingIcon({
      className: 'cluster',
      iconSize: [size, size],
      ring: `conic-gradient(${stops.join(', ')})`,
      html: `<span aria-hidden="true" data-projects="${projects}" data-zones="${zones}">${children.length}</span>`
        + `<span class="vh">${projects} projects and ${zones} zones; press Enter to zoom in</span>`,
    });
  }

  const markers = new Map(); // id -> L.Marker
  let markerLoad = 0;

  function colourClass(item) {
    if (state.colour === 'status') return `c-status-${item.status || 'none'}`;
    const tier = (item.sectors || []).map((s) => s.tier).find(Boolean);
    return `c-tier-${tier || 'none'}`;
  }

  function pin(item) {
    return L.divIcon({
      className: `pin pin-${item.kind.toLowerCase()} ${colourClass(item)}${item.id === state.select ? ' selected' : ''}`,
      iconSize: [14, 14],
    });
  }

  function placeMarker(item) {
    const year = item.kind === 'ZONE' ? item.established : item.startYear;
    const label = `${item.kind === 'ZONE' ? 'Zone' : 'Project'}: ${item.name}${year ? `, ${year}` : ''}`;
    const marker = L.marker([item.location.lat, item.location.lon], {
      icon: pin(item), title: label, kind: item.kind, keyboard: true, riseOnHover: true,
    });
    marker.item = item;
    marker.on('add', () => {
      const el = marker.getElement();
      el.dataset.id = item.id;
      el.dataset.kind = item.kind;
      el.setAttribute('aria-label', label);
    });
    marker.on('click', () => select(item.id));
    // Leaflet makes markers focusable but gives Enter no meaning without a popup.
    marker.on('keypress', (event) => {
      if (event.originalEvent.key === 'Enter') select(item.id);
    });
    return marker;
  }

  async function loadMarkers() {
    const ticket = ++markerLoad;
    document.body.dataset.map = 'loading';
    const status = $('#map-status');
    setStatus(status, 'Loading…');
    const variables = { pf: projectFilter(), zf: zoneFilter(), pa: null, za: null, withProjects: true, withZones: true };
    const found = { projects: [], zones: [], projectTotal: 0, zoneTotal: 0 };
    try {
      // Both lists in one request, then further pages of whichever has more.
      for (;;) {
        const data = await gql(MARKERS, variables);
        if (data.projects) {
          found.projects.push(...data.projects.nodes);
          found.projectTotal = data.projects.totalCount;
          variables.withProjects = data.projects.pageInfo.hasNextPage;
          variables.pa = data.projects.pageInfo.endCursor;
        }
        if (data.zones) {
          found.zones.push(...data.zones.nodes);
          found.zoneTotal = data.zones.totalCount;
          variables.withZones = data.zones.pageInfo.hasNextPage;
          variables.za = data.zones.pageInfo.endCursor;
        }
        if (!variables.withProjects && !variables.withZones) break;
      }
    } catch (error) {
      if (ticket === markerLoad) {
        setStatus(status, `Could not load the map: ${error.message}`, true);
        document.body.dataset.map = 'error';
      }
      return;
    }
    if (ticket !== markerLoad) return; // a newer filter won

    const located = (list, kind) => list.filter((n) => n.location).map((n) => ({ ...n, kind }));
    const items = [...located(found.projects, 'PROJECT'), ...located(found.zones, 'ZONE')];
    clusters.clearLayers();
    markers.clear();
    for (const item of items) markers.set(item.id, placeMarker(item));
    clusters.addLayers([...markers.values()]);

    const projectsShown = items.filter((i) => i.kind === 'PROJECT').length;
    const zonesShown = items.length - projectsShown;
    const missing = found.projectTotal + found.zoneTotal - items.length;
    setStatus(status, `${plural(projectsShown, 'project', 'projects')} and ${plural(zonesShown, 'zone', 'zones')} on the map`
      + (missing ? ` (${missing} more match but have no location)` : '') + '.');
    document.body.dataset.projects = String(projectsShown);
    document.body.dataset.zones = String(zonesShown);

    if (items.length) {
      const bounds = L.latLngBounds(items.map((i) => [i.location.lat, i.location.lon]));
      map.fitBounds(bounds.pad(0.05), { animate: false, maxZoom: 7 });
    } else {
      map.fitBounds(ASEAN, { animate: false });
    }
    outlines.setStyle(outlineStyle);
    drawLegend();
    // Two frames: Leaflet and the cluster layer have placed every icon.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (ticket === markerLoad) document.body.dataset.map = 'ready';
    }));
  }

  function drawLegend() {
    const legend = $('#legend');
    const entries = state.colour === 'status' ? STATUSES.map((s) => [`c-status-${s}`, words(s)])
      : [...TIERS.map((t) => [`c-tier-${t}`, words(t)]), ['c-tier-none', 'No sector']];
    legend.replaceChildren(...entries.map(([cls, text]) => h('li', null, h('span', { class: `swatch ${cls}` }), text)));
  }

  function recolour() {
    for (const marker of markers.values()) marker.setIcon(pin(marker.item));
    clusters.refreshClusters();
    drawLegend();
  }

  // ---------------------------------------------------------------- filters

  const filters = $('#filters');
  const enterpriseIds = new Map(); // name -> id
  const enterpriseNames = new Map(); // id -> name

  async function loadFacets() {
    const data = await gql(FACETS);
    const country = filters.elements.country;
    for (const c of data.countries) {
      const code = c.key.replace(/^country:/, '');
      country.append(h('option', { value: code }, `${c.label} (${c.count})`));
    }
    const status = filters.elements.status;
    for (const s of data.statuses.filter((s) => s.key !== 'none')) {
      status.append(h('option', { value: s.key }, `${words(s.key)} (${s.count})`));
    }
    // Sectors as a tree: each tier, then what sits beneath it, indented.
    const sectors = data.sectors.nodes;
    const children = (parent) => sectors.filter((s) => (s.parent ? s.parent.id : null) === parent)
      .sort((a, b) => a.name.localeCompare(b.name));
    const sector = filters.elements.sector;
    const walk = (parent, depth) => {
      for (const s of children(parent)) {
        sector.append(h('option', { value: s.id }, `${'\u2003'.repeat(depth)}${s.name}`));
        walk(s.id, depth + 1);
      }
    };
    walk(null, 0);
    const list = $('#enterprise-names');
    for (const e of [...data.enterprises.nodes].sort((a, b) => a.name.localeCompare(b.name))) {
      enterpriseIds.set(e.name, e.id);
      enterpriseNames.set(e.id, e.name);
      list.append(h('option', { value: e.name }));
    }
    const years = data.years.map((y) => Number(y.key)).filter(Number.isFinite);
    for (const name of ['from', 'to']) {
      filters.elements[name].min = Math.min(...years);
      filters.elements[name].max = Math.max(...years);
    }
    fillFilters();
  }

  // The form shows the state (after a reload, the URL's).
  function fillFilters() {
    const f = filters.elements;
    f.country.value = state.country;
    f.sector.value = state.sector;
    f.status.value = state.status;
    f.enterprise.value = enterpriseNames.get(state.enterprise) || state.enterprise;
    f.from.value = state.from ?? '';
    f.to.value = state.to ?? '';
    $('#colour').value = state.colour;
  }

  function readFilters() {
    const f = filters.elements;
    const year = (input) => (/^\d{4}$/.test(input.value) ? Number(input.value) : null);
    const name = f.enterprise.value.trim();
    const enterprise = name ? enterpriseIds.get(name) || (enterpriseNames.has(name) ? name : null) : '';
    f.enterprise.setAttribute('aria-invalid', String(enterprise === null));
    if (enterprise === null) return false; // wait for a name from the list
    Object.assign(state, {
      country: f.country.value, sector: f.sector.value, status: f.status.value, enterprise,
      from: year(f.from), to: year(f.to),
    });
    return true;
  }

  $('#colour').addEventListener('change', (event) => {
    state.colour = event.target.value === 'status' ? 'status' : 'tier';
    writeState();
    recolour();
  });
  filters.addEventListener('change', () => {
    if (!readFilters()) return;
    writeState();
    loadMarkers();
  });
  filters.addEventListener('submit', (event) => event.preventDefault());
  filters.addEventListener('reset', (event) => {
    event.preventDefault();
    Object.assign(state, { country: '', sector: '', status: '', enterprise: '', from: null, to: null });
    fillFilters();
    filters.elements.enterprise.removeAttribute('aria-invalid');
    writeState();
    loadMarkers();
  });

  // ---------------------------------------------------------------- details

  const detail = $('#detail');
  let detailLoad = 0;

  async function select(id, options = {}) {
    state.select = id;
    writeState();
    for (const marker of markers.values()) {
      marker.getElement()?.classList.toggle('selected', marker.item.id === id);
    }
    const ticket = ++detailLoad;
    document.body.dataset.detail = 'loading';
    const kind = kindOf(id);
    const [type, fields] = DETAIL[kind] || [null, ''];
    let node;
    try {
      const query = `query Detail($id: ID!) { node(id: $id) { id kind name ${type ? `... on ${type} { aliases ${fields} }` : ''} } }`;
      node = (await gql(query, { id })).node;
    } catch (error) {
      if (ticket === detailLoad) detail.replaceChildren(h('p', { class: 'status error' }, `Could not load ${id}: ${error.message}`));
      return;
    }
    if (ticket !== detailLoad) return;
    detail.replaceChildren(...(node ? renderDetail(node) : [h('p', { class: 'status error' }, `Nothing has the ID ${id}.`)]));
    document.body.dataset.detail = id;
    if (options.focus) detail.focus();
  }

  function renderDetail(node) {
    const out = [];
    out.push(h('span', { class: `badge k-${node.kind}` }, lower(node.kind)));
    out.push(h('h2', null, node.name));
    if (node.aliases && node.aliases.length) out.push(h('p', { class: 'muted' }, `Also: ${node.aliases.join(' · ')}`));

    const actions = h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => centreGraph(node.id) }, 'Graph around it'));
    if (state.node && state.node !== node.id) {
      actions.append(h('button', { type: 'button', onclick: () => pathTo(node.id) }, 'Path from graph centre'));
    }
    if (markers.has(node.id)) actions.append(h('button', { type: 'button', onclick: () => showOnMap(node.id) }, 'Show on map'));
    out.push(actions);

    const facts = [];
    const fact = (term, ...value) => {
      if (value.flat().some((v) => v !== null && v !== undefined && v !== '')) facts.push(h('dt', null, term), h('dd', null, ...value));
    };
    const links = (list) => (list || []).flatMap((n, i) => (i ? [', ', nodeLink(n)] : [nodeLink(n)]));
    if (node.status) fact('Status', words(node.status));
    if (node.startYear || node.completionYear) fact('Years', `${node.startYear ?? '?'}–${node.completionYear ?? ''}`);
    if (node.established) fact('Established', String(node.established));
    if (node.valueUsd) fact('Headline value', `US$${compact.format(node.valueUsd)}`);
    if (node.hostCountries) fact('Host', links(node.hostCountries));
    if (node.country) fact('Country', nodeLink(node.country));
    if (node.sectors) fact('Sectors', links(node.sectors));
    if (node.zone) fact('Zone', nodeLink(node.zone));
    if (node.frameworks && node.frameworks.length) fact('Frameworks', links(node.frameworks));
    if (node.zoneKind) fact('Kind', words(node.zoneKind));
    if (node.nationalLevel !== undefined && node.nationalLevel !== null) fact('National level', node.nationalLevel ? 'yes' : 'no');
    if (node.areaKm2) fact('Area', `${node.areaKm2.value} ${node.areaKm2.unit}`);
    if (node.ownership) fact('Ownership', words(node.ownership));
    if (node.headquarters) fact('Home', nodeLink(node.headquarters));
    if (node.parent) fact('Part of', nodeLink(node.parent));
    if (node.tier) fact('Tier', words(node.tier));
    if (node.children && node.children.length) fact('Beneath', links(node.children));
    if (node.officialName) fact('Official name', node.officialName);
    if (node.capital) fact('Capital', node.capital);
    if (node.frameworkKind) fact('Kind', words(node.frameworkKind));
    if (node.launched) fact('Launched', node.launched);
    if (node.members && node.members.length) fact('Members', links(node.members));
    if (node.value !== undefined && node.value !== null && !Array.isArray(node.value)) {
      fact('Figure', `${node.approximate ? '≈ ' : ''}${node.value.toLocaleString('en')} ${node.unit || ''}`);
    }
    if (node.asOf) fact('As of', node.asOf);
    if (node.scope) fact('Scope', node.scope);
    if (node.about && node.about.length) fact('About', links(node.about));
    if (node.title && node.kind === 'SOURCE') fact('Title', node.title);
    if (node.publisher) fact('Publisher', node.publisher);
    if (node.date) fact('Date', node.date);
    if (node.url) fact('Link', h('a', { href: node.url, rel: 'noopener noreferrer', target: '_blank' }, node.url));
    if (node.location) fact('Location', `${node.location.lat.toFixed(3)}, ${node.location.lon.toFixed(3)} (${lower(node.location.precision)})`);
    if (facts.length) out.push(h('dl', null, facts));

    if (Array.isArray(node.value) && node.value.length) {
      out.push(h('h3', null, 'Money'), h('ul', { class: 'money' }, node.value.map(moneyItem)));
    }
    if (node.capacity && node.capacity.length) {
      out.push(h('h3', null, 'Size'), h('ul', null, node.capacity.map((q) =>
        h('li', null, `${q.approximate ? '≈ ' : ''}${q.value.toLocaleString('en')} ${q.unit}`, q.label ? h('span', { class: 'muted' }, ` — ${q.label}`) : null))));
    }
    const parties = node.enterprises || node.developers;
    if (parties) {
      out.push(h('h3', null, node.enterprises ? 'Enterprises' : 'Developers'),
        h('ul', { class: 'parties' }, parties.edges.map((edge) => h('li', { 'data-id': edge.node.id, 'data-roles': edge.roles.join(',') },
          nodeLink(edge.node), ' — ', edge.roles.map(lower).join(', ') || 'role not stated',
          edge.share ? ` (${edge.share} %)` : '',
          edge.node.parent ? h('span', { class: 'muted' }, ' · part of ', nodeLink(edge.node.parent)) : null))));
      if (parties.totalCount > parties.edges.length) out.push(h('p', { class: 'muted' }, `and ${parties.totalCount - parties.edges.length} more`));
    }
    if (node.subsidiaries && node.subsidiaries.totalCount) out.push(...connection('Subsidiaries', node.subsidiaries));
    if (node.zones && Array.isArray(node.zones) && node.zones.length) out.push(h('h3', null, 'Zones'), h('ul', null, node.zones.map((z) => h('li', null, nodeLink(z)))));
    if (node.zones && node.zones.nodes) out.push(...connection('Zones', node.zones));
    if (node.projects && node.projects.totalCount) {
      const rows = node.projects.edges
        ? node.projects.edges.map((e) => h('li', null, nodeLink(e.node), ` — ${e.roles.map(lower).join(', ')}`))
        : node.projects.nodes.map((n) => h('li', null, nodeLink(n)));
      out.push(h('h3', null, `Projects (${node.projects.totalCount})`), h('ul', null, rows));
      if (node.projects.totalCount > rows.length) out.push(h('p', { class: 'muted' }, `and ${node.projects.totalCount - rows.length} more`));
    }
    if (node.description) out.push(h('p', null, node.description));
    if (node.notes && node.notes.length) out.push(h('h3', null, 'Notes'), h('ul', null, node.notes.map((n) => h('li', null, n))));
    if (node.sources && node.sources.length) {
      out.push(h('h3', null, 'Sources'), h('ol', { class: 'sources' }, node.sources.map((s) => h('li', null,
        s.url ? h('a', { href: s.url, rel: 'noopener noreferrer', target: '_blank' }, s.title) : s.title,
        h('span', { class: 'muted' }, [s.publisher, s.date].filter(Boolean).length ? ` — ${[s.publisher, s.date].filter(Boolean).join(', ')}` : '')))));
    }
    return out;
  }

  function connection(title, list) {
    const out = [h('h3', null, `${title} (${list.totalCount})`), h('ul', null, list.nodes.map((n) => h('li', null, nodeLink(n))))];
    if (list.totalCount > list.nodes.length) out.push(h('p', { class: 'muted' }, `and ${list.totalCount - list.nodes.length} more`));
    return out;
  }

  function moneyItem(m) {
    const amount = `${m.approximate ? '≈ ' : ''}${m.currency} ${compact.format(m.amount)}`;
    const usd = m.usd !== null && m.currency !== 'USD' ? ` (US$${compact.format(m.usd)})` : '';
    return h('li', null, amount, usd, m.year ? ` in ${m.year}` : '', m.label ? h('span', { class: 'muted' }, ` — ${m.label}`) : null);
  }

  function showOnMap(id) {
    const marker = markers.get(id);
    if (!marker) return;
    showView('map');
    clusters.zoomToShowLayer(marker, () => marker.getElement()?.focus());
  }

  // ---------------------------------------------------------------- the graph

  let cy = null;
  let graphDrawn = false;
  let graphLoad = 0;
  const graphForm = $('#graph-controls');

  const kindColours = new Map();
  function kindColour(kind) {
    if (!kindColours.has(kind)) {
      const css = getComputedStyle(document.documentElement);
      kindColours.set(kind, css.getPropertyValue(`--kind-${kind}`).trim() || '#777');
    }
    return kindColours.get(kind);
  }

  function edgeLabel(edge) {
    const type = lower(edge.type);
    return edge.roles && edge.roles.length ? `${type} (${edge.roles.map(lower).join(', ')})` : type;
  }

  // Cytoscape.js is loaded when a graph is first drawn: the map does not wait for it.
  let cytoscapeLoaded = null;
  function loadCytoscape() {
    cytoscapeLoaded ??= new Promise((resolve, reject) => {
      document.head.append(h('script', {
        src: '/explore/assets/cytoscape.min.js',
        onload: resolve,
        onerror: () => {
          cytoscapeLoaded = null; // try again next time
          reject(new Error('the graph library did not load'));
        },
      }));
    });
    return cytoscapeLoaded;
  }

  function makeGraph() {
    cy = cytoscape({
      container: $('#graph'),
      minZoom: 0.2,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: false,
      style: [
        {
          selector: 'node',
          style: {
            'background-color': (n) => kindColour(n.data('kind')),
            label: 'data(name)',
            'font-size': 9,
            color: '#1d2433',
            'text-valign': 'bottom',
            'text-margin-y': 3,
            'text-wrap': 'ellipsis',
            'text-max-width': 120,
            'text-background-color': '#fbfcfd',
            'text-background-opacity': 0.8,
            width: 16,
            height: 16,
          },
        },
        { selector: 'node.centre', style: { width: 28, height: 28, 'border-width': 3, 'border-color': '#1d2433', 'font-weight': 'bold', 'font-size': 12 } },
        // In a crowded graph, names show once it is zoomed in enough to read them.
        { selector: '.unlabelled', style: { 'text-opacity': 0 } },
        {
          selector: 'edge',
          style: {
            width: 1.2,
            'line-color': '#aab1bd',
            'target-arrow-color': '#aab1bd',
            'target-arrow-shape': 'triangle',
            'arrow-scale': 0.7,
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 7,
            color: '#5b6475',
            'text-rotation': 'autorotate',
            'text-background-color': '#fbfcfd',
            'text-background-opacity': 0.8,
          },
        },
        { selector: '.faded', style: { opacity: 0.5 } },
        { selector: 'node.path', style: { 'border-width': 3, 'border-color': '#e8590c' } },
        { selector: 'edge.path', style: { width: 3.5, 'line-color': '#e8590c', 'target-arrow-color': '#e8590c', color: '#b34000', 'font-size': 9 } },
      ],
    });
    cy.on('tap', 'node', (event) => centreGraph(event.target.id()));
    cy.on('zoom', labelNodes);
    window.explorer.cy = cy;
  }

  function labelNodes() {
    const crowded = cy.nodes().length > 40 && cy.zoom() < 1.2;
    cy.batch(() => cy.elements().not('.centre, .path').toggleClass('unlabelled', crowded));
  }

  function fillGraphForm() {
    graphForm.elements.node.value = state.node;
    graphForm.elements.depth.value = String(state.depth);
    graphForm.elements.path.value = state.path;
    for (const box of graphForm.querySelectorAll('#edge-types input')) {
      box.checked = !state.edges || state.edges.includes(box.value);
    }
  }

  function buildEdgeTypeBoxes() {
    $('#edge-types').replaceChildren(...EDGE_TYPES.map((t) => h('label', null,
      h('input', { type: 'checkbox', value: t, checked: true }), lower(t))));
  }

  // An ID as typed, or the best search hit for a name.
  async function resolveNode(text) {
    const value = text.trim();
    if (!value || /^[a-z]+:[A-Za-z0-9-]+$/.test(value)) return value;
    const hits = (await gql(SEARCH, { text: value })).search;
    if (!hits.length) throw new Error(`nothing matches "${value}"`);
    return hits[0].node.id;
  }

  graphForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const boxes = [...graphForm.querySelectorAll('#edge-types input')];
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    try {
      state.node = await resolveNode(graphForm.elements.node.value);
      state.path = await resolveNode(graphForm.elements.path.value);
    } catch (error) {
      setStatus($('#graph-status'), error.message, true);
      return;
    }
    state.depth = graphForm.elements.depth.value === '2' ? 2 : 1;
    state.edges = chosen.length === EDGE_TYPES.length || chosen.length === 0 ? null : chosen;
    writeState();
    drawGraph();
  });

  function centreGraph(id) {
    state.node = id;
    if (state.path === id) state.path = '';
    if (state.view !== 'graph') showView('graph');
    writeState();
    drawGraph();
    if (state.select !== id) select(id);
  }

  function pathTo(id) {
    state.path = id;
    if (state.view !== 'graph') showView('graph');
    writeState();
    drawGraph();
  }

  async function drawGraph() {
    fillGraphForm();
    const status = $('#graph-status');
    if (!state.node) {
      setStatus(status, 'Choose a centre: type an ID or a name above, or use “Graph around it” in the details.');
      return;
    }
    graphDrawn = true;
    const ticket = ++graphLoad;
    document.body.dataset.graph = 'loading';
    setStatus(status, 'Loading…');
    const types = state.edges;
    let around, path;
    try {
      [around, path] = await Promise.all([
        gql(NEIGHBORS, { id: state.node, depth: state.depth, types }).then((d) => d.neighbors),
        state.path ? gql(PATH, { from: state.node, to: state.path, types }).then((d) => d.path) : null,
        loadCytoscape(),
      ]);
    } catch (error) {
      if (ticket === graphLoad) {
        setStatus(status, `Could not draw the graph: ${error.message}`, true);
        document.body.dataset.graph = 'error';
      }
      return;
    }
    if (ticket !== graphLoad) return;
    if (!cy) makeGraph();

    // The neighbourhood, plus the path's nodes and edges when they lie outside it.
    const nodes = new Map();
    const edges = new Map();
    const edgeKey = (e) => `${e.fromId}|${e.type}|${e.toId}`;
    for (const n of [...around.nodes, ...(path ? path.nodes : [])]) nodes.set(n.id, n);
    for (const e of [...around.edges, ...(path ? path.edges : [])]) edges.set(edgeKey(e), e);
    if (!nodes.has(state.node)) {
      setStatus(status, `Nothing has the ID ${state.node}.`, true);
      document.body.dataset.graph = 'error';
      cy.elements().remove();
      return;
    }

    cy.elements().remove();
    cy.add([...nodes.values()].map((n) => ({ group: 'nodes', data: { id: n.id, name: n.name, kind: n.kind } })));
    cy.add([...edges.values()].map((e) => ({
      group: 'edges', data: { id: edgeKey(e), source: e.fromId, target: e.toId, label: edgeLabel(e) },
    })));
    cy.getElementById(state.node).addClass('centre');
    if (path) {
      cy.elements().addClass('faded');
      for (const n of path.nodes) cy.getElementById(n.id).removeClass('faded').addClass('path');
      for (const e of path.edges) cy.getElementById(edgeKey(e)).removeClass('faded').addClass('path');
    }
    // Deterministic: a circle in the API's order, then the force-directed layout from there.
    cy.layout({ name: 'circle', animate: false }).run();
    cy.layout({
      name: 'cose', animate: false, randomize: false, fit: true, padding: 24,
      nodeRepulsion: () => 9000, idealEdgeLength: () => 70,
    }).run();

    labelNodes();
    listGraph(nodes, edges, path);
    const centre = nodes.get(state.node);
    let text = `${plural(nodes.size, 'node', 'nodes')} and ${plural(edges.size, 'edge', 'edges')} within ${plural(state.depth, 'step', 'steps')} of ${centre.name}`;
    if (state.path) {
      const target = nodes.get(state.path);
      text += path ? `; the path to ${target.name} has ${plural(path.length, 'edge', 'edges')}, in orange.`
        : `; no path to ${state.path} within 6 edges.`;
    } else {
      text += '. Click a node to centre on it.';
    }
    setStatus(status, text);
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (ticket === graphLoad) document.body.dataset.graph = 'ready';
    }));
  }

  // The same graph as text: readable by screen readers, and every node a button that re-centres.
  function listGraph(nodes, edges, path) {
    const centreButton = (n) => h('button', { type: 'button', class: 'link', 'data-id': n.id, onclick: () => centreGraph(n.id) }, n.name);
    $('#graph-nodes').replaceChildren(...[...nodes.values()].map((n) => h('li', { 'data-id': n.id, 'data-kind': n.kind },
      centreButton(n), h('span', { class: 'muted' }, ` — ${lower(n.kind)}`), n.id === state.node ? h('strong', null, ' (centre)') : null)));
    const name = (id) => (nodes.get(id) || { name: id }).name;
    $('#graph-edges').replaceChildren(...[...edges.values()].map((e) => h('li', { 'data-from': e.fromId, 'data-to': e.toId, 'data-type': e.type },
      `${name(e.fromId)} → ${edgeLabel(e)} → ${name(e.toId)}`)));
    const list = $('#graph-path');
    list.hidden = !path;
    $('#path-heading').hidden = !path;
    list.replaceChildren(...(path ? path.nodes.map((n) => h('li', { 'data-id': n.id }, n.name)) : []));
  }

  function drawKindLegend() {
    $('#kinds').replaceChildren(...KINDS.map((k) => h('li', null, h('span', { class: `swatch k-${k}` }), lower(k))));
  }

  // ---------------------------------------------------------------- search

  const searchForm = $('#search');
  const searchInput = $('#search-text');
  const results = $('#search-results');
  let searchTimer = null;
  let searchLoad = 0;

  async function runSearch() {
    const text = searchInput.value.trim();
    const ticket = ++searchLoad;
    if (!text) {
      results.hidden = true;
      results.replaceChildren();
      return;
    }
    let hits;
    try {
      hits = (await gql(SEARCH, { text })).search;
    } catch (error) {
      hits = null;
      if (ticket === searchLoad) results.replaceChildren(h('li', { class: 'empty' }, error.message));
    }
    if (ticket !== searchLoad || !hits) return;
    results.replaceChildren(...(hits.length ? hits.map((hit) => h('li', null, h('button', {
      type: 'button', 'data-id': hit.node.id, onclick: () => pick(hit.node.id),
    }, h('span', { class: `badge k-${hit.node.kind}` }, lower(hit.node.kind)), ' ', hit.node.name))) : [h('li', { class: 'empty' }, 'Nothing found.')]));
    results.hidden = false;
  }

  function pick(id) {
    results.hidden = true;
    select(id, { focus: true });
    if (markers.has(id) && state.view === 'map') clusters.zoomToShowLayer(markers.get(id), () => {});
  }

  searchInput.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 200);
  });
  searchInput.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      searchInput.value = '';
      results.hidden = true;
    } else if (event.key === 'ArrowDown' && !results.hidden) {
      event.preventDefault();
      results.querySelector('button')?.focus();
    }
  });
  results.addEventListener('keydown', (event) => {
    const buttons = [...results.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' && at >= 0) { event.preventDefault(); buttons[Math.min(at + 1, buttons.length - 1)].focus(); }
    if (event.key === 'ArrowUp' && at >= 0) { event.preventDefault(); (at ? buttons[at - 1] : searchInput).focus(); }
    if (event.key === 'Escape') { results.hidden = true; searchInput.focus(); }
  });
  searchForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    await runSearch();
    const first = results.querySelector('button');
    if (first) pick(first.dataset.id);
  });
  document.addEventListener('click', (event) => {
    if (!searchForm.contains(event.target)) results.hidden = true;
  });

  // ---------------------------------------------------------------- start

  window.explorer = { map, cy: null };
  buildEdgeTypeBoxes();
  drawKindLegend();
  drawLegend();
  fillFilters();
  showView(state.view);
  loadFacets().catch((error) => setStatus($('#map-status'), `Could not load the filters: ${error.message}`, true));
  loadMarkers().then(() => {
    if (state.select) select(state.select);
  });
  if (state.view === 'graph') drawGraph();
  else fillGraphForm();
})();
