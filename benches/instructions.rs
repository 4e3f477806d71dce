//! Instructions per request for the four load queries (`bench/load.lua`), each run with
//! different variables on every request over a store on disk, counted by callgrind: a figure
//! that does not move with the machine's other load, for comparing two builds where req/s is
//! too noisy to show a difference of a few percent.
//!
//! Run with `bench/instructions.sh`, which seeds the store, runs this under valgrind with
//! collection on only inside [`requests`], and prints the count per request. Run alone, it
//! executes the requests and prints the bytes answered.
//!
//! Usage: `instructions DATA_DIR QUERY REQUESTS PROJECTS ENTERPRISES`, where QUERY is q1 to q4
//! and PROJECTS and ENTERPRISES are how many the generated store holds.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use async_graphql::{Request, Variables};
use capgraph::graphql::{build_serving_schema, execute, AppSchema, Limits, Subscriptions};
use capgraph::store::{Access, DataDir, Store};

// As the server runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The documents of `bench/load.lua`, which the load test sends.
const DOCUMENTS: [&str; 4] = [
    "query Q1($id: ID!) { project(id: $id) { id name status hostCountries { code name } } }",
    "query Q2($code: String!) { country(code: $code) { name projects(first: 20) { nodes { id name \
     sectors { id name } enterprises { edges { role node { name } } } } } } }",
    "query Q3($id: ID!) { enterprise(id: $id) { name projects(first: 500) { totalCount edges { \
     role node { id name hostCountries { code name } } } } } }",
    "query Q4($status: ProjectStatus!, $year: Int!) { projects(filter: {status: [$status], \
     startYear: {min: $year}}, orderBy: [{field: VALUE_USD, direction: DESC}], first: 50) { \
     totalCount nodes { id name valueUsd startYear } } }",
];
const COUNTRIES: [&str; 9] = ["ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN"];
const STATUSES: [&str; 7] = [
    "PLANNED",
    "UNDER_CONSTRUCTION",
    "OPERATIONAL",
    "COMPLETED",
    "SUSPENDED",
    "CANCELLED",
    "UNKNOWN",
];

/// What the generated store holds, to pick IDs from.
struct Sizes {
    projects: usize,
    enterprises: usize,
}

/// The variables of request `n` of query `query`: spread over the store by a fixed step, so
/// that two runs send the same requests.
fn variables(query: usize, n: usize, sizes: &Sizes) -> Variables {
    let spread = n.wrapping_mul(7_919).wrapping_add(13);
    let json = match query {
        0 => serde_json::json!({ "id": format!("project:gen-{:07}", spread % sizes.projects) }),
        1 => serde_json::json!({ "code": COUNTRIES[n % COUNTRIES.len()] }),
        2 => serde_json::json!({
            "id": format!("enterprise:gen-{:07}", spread % sizes.enterprises)
        }),
        _ => serde_json::json!({
            "status": STATUSES[n % STATUSES.len()],
            "year": 1990 + (n * 5) % 35,
        }),
    };
    Variables::from_json(json)
}

/// Runs `count` requests of `query` from request `first` on, as the server runs them (the
/// store as request data, the answer written as JSON); returns the bytes written. Not inlined,
/// so that callgrind can count inside it alone.
#[inline(never)]
fn requests(
    runtime: &tokio::runtime::Runtime,
    schema: &AppSchema,
    store: &Arc<Store>,
    (query, first, count): (usize, usize, usize),
    sizes: &Sizes,
) -> anyhow::Result<usize> {
    let mut bytes = 0;
    for n in first..first + count {
        let request = Request::new(DOCUMENTS[query])
            .variables(variables(query, n, sizes))
            .data(Arc::clone(store));
        let response = runtime.block_on(execute(schema, request));
        if !response.errors.is_empty() {
            bail!("request {n} failed: {:?}", response.errors);
        }
        bytes += serde_json::to_vec(&response)?.len();
    }
    Ok(bytes)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data, query, count, projects, enterprises] = &args[..] else {
        bail!("usage: instructions DATA_DIR QUERY REQUESTS PROJECTS ENTERPRISES");
    };
    let query = match query.as_str() {
        "q1" => 0,
        "q2" => 1,
        "q3" => 2,
        "q4" => 3,
        other => bail!("QUERY is q1, q2, q3 or q4, not `{other}`"),
    };
    let count: usize = count.parse().context("REQUESTS is a number")?;
    let sizes = Sizes {
        projects: projects.parse().context("PROJECTS is a number")?,
        enterprises: enterprises.parse().context("ENTERPRISES is a number")?,
    };
    let store = DataDir::new(PathBuf::from(data))
        .open_current(Access::Random)?
        .with_context(|| format!("no store in {data}"))?;
    let store = Arc::new(store);
    let limits = Limits::default();
    let schema = build_serving_schema(&limits, Arc::new(Subscriptions::new(store.meta(), &limits)));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // The first request vets the document; the next ones run as they would under load. These
    // are not counted: bench/instructions.sh subtracts a run of none.
    requests(&runtime, &schema, &store, (query, 0, 50), &sizes)?;
    let bytes = requests(&runtime, &schema, &store, (query, 50, count), &sizes)?;
    println!("{bytes} bytes answered");
    Ok(())
}
