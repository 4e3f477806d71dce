"""Python `gql` against a running capgraph, for tests/clients.rs.

Usage: python3 tests/clients/gql_client.py <server-url> <country-code>

It only drives and observes: `gql` fetches the schema from the server by the standard
introspection (fetch_schema_from_transport=True), checks the query against that schema on the
client side, runs it over the requests transport, and this script prints one JSON line on stdout
for the Rust test to judge: { gqlVersion, schemaFetched, queryFields, localValidationErrors,
result }.
"""

import json
import sys
from urllib.parse import urljoin

import gql
from gql import Client
from gql.transport.requests import RequestsHTTPTransport
from graphql import validate

# A country, its projects, and each project's enterprises with their roles: three levels of
# nodes, so the answer says whether the graph is joined up as the seed files say. The pages are
# as large as the default cost limit allows; the test checks that nothing was cut off.
QUERY = gql.gql(
    """
    query CountryProjects($code: String!) {
      country(code: $code) {
        id
        code
        name
        projects(first: 50) {
          totalCount
          nodes {
            id
            name
            enterprises(first: 20) {
              totalCount
              edges { role roles node { id name } }
            }
          }
        }
      }
    }
    """
)


def main() -> None:
    if len(sys.argv) != 3:
        print("usage: python3 tests/clients/gql_client.py <server-url> <country-code>", file=sys.stderr)
        sys.exit(2)
    server, code = sys.argv[1:]
    transport = RequestsHTTPTransport(url=urljoin(server, "/graphql"), timeout=20, retries=0)
    client = Client(transport=transport, fetch_schema_from_transport=True, execute_timeout=20)
    # Connecting fetches the schema; execute then validates the query against it before sending.
    with client as session:
        result = session.execute(QUERY, variable_values={"code": code})
    schema = client.schema
    query_type = schema.query_type if schema else None
    print(
        json.dumps(
            {
                "gqlVersion": gql.__version__,
                "schemaFetched": schema is not None,
                "queryFields": sorted(query_type.fields) if query_type else [],
                "localValidationErrors": [str(e) for e in validate(schema, QUERY.document)] if schema else None,
                "result": result,
            }
        )
    )


if __name__ == "__main__":
    main()
