// graphql-js, the reference implementation, against a running capgraph, for tests/clients.rs.
//
// Usage: node tests/clients/graphql-js.mjs <server-url> <schema.graphql>  < queries.json
// stdin: a JSON list of { source, query }: the queries the README and bench/ show.
//
// It only drives and observes, and prints one JSON line on stdout for the Rust test to judge:
// - introspection: for the standard introspection query with every option on ("full") and with
//   none ("plain"), what the server answered, and whether the schema graphql-js builds from it
//   prints the same as the checked-in schema.graphql gives for that very query (both sorted with
//   lexicographicSortSchema, the only ordering difference graphql-js allows); and the same
//   comparison with the schema's own description set aside, with the first difference then left
//   and both descriptions;
// - fullMatchesFile: whether "full" misses nothing of schema.graphql at all;
// - mutationsCaught: the same comparison run on schema.graphql with one thing changed (a field,
//   an argument, a type, a description, an enum value), each of which must show as a difference;
// - validation: for each query on stdin, the errors of `validate()` against the server's schema.

import { readFileSync } from 'node:fs';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  graphqlSync,
  Kind,
  lexicographicSortSchema,
  parse,
  print,
  printSchema,
  validate,
  visit,
} from 'graphql';

const [server, schemaFile] = process.argv.slice(2);
if (!server || !schemaFile) {
  console.error('usage: node tests/clients/graphql-js.mjs <server-url> <schema.graphql> < queries.json');
  process.exit(2);
}
const endpoint = new URL('/graphql', server).href;
const queries = JSON.parse(readFileSync(0, 'utf8'));
const sdl = readFileSync(schemaFile, 'utf8');

// The options graphql-js's getIntrospectionQuery knows besides `oneOf`, which the brief of
// issue 8 names ("specifiedByURL, isRepeatable, schema description and input deprecation").
const FULL = {
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
};
const VARIANTS = { full: FULL, plain: undefined };

/// The schema as graphql-js prints it, in the one order it can impose on any schema.
const normalise = (schema) => printSchema(lexicographicSortSchema(schema));

/// What graphql-js itself answers to `document` over `schema`.
const answerOf = (schema, document) => {
  const result = graphqlSync({ schema, source: document });
  if (result.errors) throw new Error(`graphql-js refused its own introspection: ${result.errors}`);
  return result.data;
};

/// That answer rebuilt and printed as a client would: the expected side of every comparison, so
/// an option that leaves something out of the answer leaves it out of both sides.
const expectedFor = (schema, document) => normalise(buildClientSchema(answerOf(schema, document)));

/// The first lines where two printed schemas part, for a readable report.
const firstDifference = (expected, actual) => {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  if (i === a.length && i === b.length) return null;
  return {
    line: i + 1,
    expected: a.slice(Math.max(0, i - 3), i + 4),
    actual: b.slice(Math.max(0, i - 3), i + 4),
  };
};

const post = async (query) => {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { unparsed: text.slice(0, 500) };
  }
  return { status: response.status, body };
};

const fileSchema = buildSchema(sdl);
const introspection = {};
let clientSchema = null;
for (const [name, options] of Object.entries(VARIANTS)) {
  const document = getIntrospectionQuery(options);
  const { status, body } = await post(document);
  const entry = {
    status,
    errors: body.errors ?? null,
    built: false,
    matches: false,
    difference: null,
    matchesApartFromSchemaDescription: false,
    schemaDescription: null,
    expectedSchemaDescription: null,
  };
  if (body.data) {
    try {
      const built = buildClientSchema(body.data);
      entry.built = true;
      const expectedAnswer = answerOf(fileSchema, document);
      const expected = normalise(buildClientSchema(expectedAnswer));
      entry.matches = firstDifference(expected, normalise(built)) === null;
      // The schema's own description, told apart so that a report shows the first difference
      // elsewhere (async-graphql 7 answers a fixed text for `__schema { description }`).
      entry.schemaDescription = body.data.__schema?.description ?? null;
      entry.expectedSchemaDescription = expectedAnswer.__schema.description ?? null;
      const aligned = { __schema: { ...body.data.__schema } };
      if ('description' in aligned.__schema) aligned.__schema.description = entry.expectedSchemaDescription;
      entry.difference = firstDifference(expected, normalise(buildClientSchema(aligned)));
      entry.matchesApartFromSchemaDescription = entry.difference === null;
      if (name === 'full') clientSchema = built;
    } catch (error) {
      entry.buildError = String(error);
    }
  } else if (!body.errors) {
    entry.unexpected = body;
  }
  introspection[name] = entry;
}

// With every option on, the answer must carry all that schema.graphql says.
const fullDifference = firstDifference(normalise(fileSchema), expectedFor(fileSchema, getIntrospectionQuery(FULL)));
const fullMatchesFile = fullDifference === null;

// The comparison must see a change of each kind: mutate the checked-in schema one way at a time.
const ast = parse(sdl);
const isQuery = (node) => node.name.value === 'Query';
const mutations = {
  'a field dropped': visit(ast, {
    ObjectTypeDefinition: (node) => (isQuery(node) ? { ...node, fields: node.fields.slice(1) } : undefined),
  }),
  'an argument dropped': visit(ast, {
    FieldDefinition: (node) =>
      node.name.value === 'projects' && node.arguments?.length
        ? { ...node, arguments: node.arguments.slice(1) }
        : undefined,
  }),
  'a type added': {
    ...ast,
    definitions: [...ast.definitions, parse('"An extra type." type ExtraType { x: Int }').definitions[0]],
  },
  'a field description changed': visit(ast, {
    FieldDefinition: (node) =>
      node.description ? { ...node, description: { ...node.description, value: `${node.description.value}!` } } : undefined,
  }),
  'an enum value renamed': visit(ast, {
    EnumValueDefinition: (node) =>
      node.name.value === 'OPERATIONAL' ? { ...node, name: { kind: Kind.NAME, value: 'RUNNING' } } : undefined,
  }),
};
const mutationsCaught = {};
for (const [name, mutated] of Object.entries(mutations)) {
  const changed = buildSchema(print(mutated));
  mutationsCaught[name] = ['full', 'plain'].every(
    (variant) =>
      firstDifference(
        expectedFor(fileSchema, getIntrospectionQuery(VARIANTS[variant])),
        expectedFor(changed, getIntrospectionQuery(VARIANTS[variant])),
      ) !== null,
  );
}

const validation = queries.map(({ source, query }) => {
  if (!clientSchema) return { source, errors: ['no client schema: the full introspection failed'] };
  try {
    return { source, errors: validate(clientSchema, parse(query)).map((e) => e.message) };
  } catch (error) {
    return { source, errors: [`does not parse: ${error.message}`] };
  }
});

console.log(
  JSON.stringify({
    graphqlVersion: (await import('graphql')).version,
    introspection,
    fullMatchesFile,
    fullDifference,
    mutationsCaught,
    validation,
  }),
);
