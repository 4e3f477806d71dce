// Apollo Client's normalising InMemoryCache against a running capgraph, for tests/clients.rs.
//
// Usage: node tests/clients/apollo.mjs <server-url> <project-id>
//
// Two overlapping queries go over the network: first the project with its name and host
// countries, then its first host country by code with that country's projects (name and status).
// The cache keeps one object per `__typename:id`, so both answers land in the same Project and
// Country objects. A third query, asking the project for fields that only the two answers together
// hold (status came from the second, hostCountries from the first), runs with
// `fetchPolicy: 'cache-only'`. Every fetch goes through a counting wrapper around node's fetch.
//
// It only drives and observes, and prints one JSON line for the Rust test to judge:
// { apolloVersion, requests, first, thirdBeforeSecond, second, third, projectFragment,
//   countryFragment, cacheKeys, secondNodeRefs }. `thirdBeforeSecond` is the control: the third
// query, cache-only, asked before the second answer arrived.

import { ApolloClient, HttpLink, InMemoryCache, gql, version } from '@apollo/client';

const [server, projectId] = process.argv.slice(2);
if (!server || !projectId) {
  console.error('usage: node tests/clients/apollo.mjs <server-url> <project-id>');
  process.exit(2);
}

const requests = [];
const countingFetch = (url, init) => {
  requests.push(JSON.parse(init?.body ?? '{}').operationName ?? null);
  return fetch(url, init);
};

const cache = new InMemoryCache();
const client = new ApolloClient({
  link: new HttpLink({ uri: new URL('/graphql', server).href, fetch: countingFetch }),
  cache,
});

const PROJECT = gql`
  query ProjectWithHosts($id: ID!) {
    project(id: $id) { id name hostCountries { id code name } }
  }
`;
const COUNTRY = gql`
  query CountryWithProjects($code: String!) {
    country(code: $code) { id code name projects(first: 500) { nodes { id name status } } }
  }
`;
const MERGED = gql`
  query ProjectFromCache($id: ID!) {
    project(id: $id) { id name status hostCountries { id code name } }
  }
`;

// What a call returned, without Apollo's internals, for the report.
const outcome = (result) => ({
  data: result.data ?? null,
  error: result.error ? String(result.error) : null,
});

const first = await client.query({ query: PROJECT, variables: { id: projectId } });
const afterFirst = requests.length;
// The control: before the second answer the cache lacks the project's status, so it cannot
// answer the third query on its own yet.
const thirdBeforeSecond = await client.query({ query: MERGED, variables: { id: projectId }, fetchPolicy: 'cache-only' });
const code = first.data?.project?.hostCountries?.[0]?.code;
if (!code) {
  console.log(JSON.stringify({ failed: 'the first query found no host country', first: outcome(first), requests }));
  process.exit(0);
}
const second = await client.query({ query: COUNTRY, variables: { code } });
const afterSecond = requests.length;
const third = await client.query({ query: MERGED, variables: { id: projectId }, fetchPolicy: 'cache-only' });

const projectKey = cache.identify({ __typename: 'Project', id: projectId });
const countryKey = cache.identify({ __typename: 'Country', id: first.data.project.hostCountries[0].id });
const extracted = cache.extract();
const countryEntry = Object.entries(extracted.ROOT_QUERY ?? {}).find(([key]) => key.startsWith('country('));
const projectsField = countryEntry
  ? Object.entries(extracted[countryEntry[1].__ref] ?? {}).find(([key]) => key.startsWith('projects('))
  : undefined;

console.log(
  JSON.stringify({
    apolloVersion: version,
    requests,
    requestsAfterFirst: afterFirst,
    requestsAfterSecond: afterSecond,
    first: outcome(first),
    thirdBeforeSecond: outcome(thirdBeforeSecond),
    second: outcome(second),
    third: outcome(third),
    projectKey,
    countryKey,
    projectFragment: cache.readFragment({
      id: projectKey,
      fragment: gql`fragment MergedProject on Project { id name status hostCountries { id code name } }`,
    }),
    countryFragment: cache.readFragment({
      id: countryKey,
      fragment: gql`fragment MergedCountry on Country { id code name }`,
    }),
    cacheKeys: Object.keys(extracted).sort(),
    // The second answer's project list as stored: references to the normalised objects.
    secondNodeRefs: projectsField ? projectsField[1].nodes : null,
  }),
);
