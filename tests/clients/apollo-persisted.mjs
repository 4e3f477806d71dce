// Apollo Client's persisted query link against a running capgraph, for tests/clients.rs.
//
// Usage: node tests/clients/apollo-persisted.mjs <server-url> <country-code>
//
// The link hashes each document with SHA-256 (node's crypto) and, with useGETForHashedQueries,
// first sends the hash alone over GET. The same query runs twice, each time through a fresh
// client (so Apollo's own cache answers nothing): the first time the server has never seen the
// document, so the link should get PersistedQueryNotFound and send the text with the hash; the
// second time the hash alone should be enough. Every fetch goes through a recording wrapper
// around node's fetch.
//
// It only drives and observes, and prints one JSON line for the Rust test to judge:
// { apolloVersion, exchanges: [{ method, hash, query, variables, status, cacheControl, etag,
//   errorCodes, errorMessages }], first, second }.

import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql, version } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';

const [server, code] = process.argv.slice(2);
if (!server || !code) {
  console.error('usage: node tests/clients/apollo-persisted.mjs <server-url> <country-code>');
  process.exit(2);
}

const exchanges = [];
// What went out (the parameters of a GET, or the body of a POST) and what came back.
const recordingFetch = async (url, init) => {
  const method = init?.method ?? 'GET';
  let sent;
  if (method === 'GET') {
    const params = new URL(url).searchParams;
    const json = (name) => (params.has(name) ? JSON.parse(params.get(name)) : null);
    sent = { query: params.get('query'), variables: json('variables'), extensions: json('extensions') };
  } else {
    sent = JSON.parse(init.body);
  }
  const response = await fetch(url, init);
  const body = await response.clone().json().catch(() => null);
  exchanges.push({
    method,
    hash: sent.extensions?.persistedQuery?.sha256Hash ?? null,
    query: sent.query ?? null,
    variables: sent.variables ?? null,
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    etag: response.headers.get('etag'),
    errorCodes: (body?.errors ?? []).map((e) => e.extensions?.code ?? null),
    errorMessages: (body?.errors ?? []).map((e) => e.message),
  });
  return response;
};

const client = () =>
  new ApolloClient({
    link: new PersistedQueryLink({
      sha256: (text) => createHash('sha256').update(text).digest('hex'),
      useGETForHashedQueries: true,
    }).concat(new HttpLink({ uri: new URL('/graphql', server).href, fetch: recordingFetch })),
    cache: new InMemoryCache(),
  });

const COUNTRY = gql`
  query PersistedCountry($code: String!) {
    country(code: $code) { id code name }
  }
`;

const outcome = (result) => ({
  data: result.data ?? null,
  error: result.error ? String(result.error) : null,
});

const first = await client().query({ query: COUNTRY, variables: { code } });
const second = await client().query({ query: COUNTRY, variables: { code } });

console.log(
  JSON.stringify({
    apolloVersion: version,
    exchanges,
    first: outcome(first),
    second: outcome(second),
  }),
);
