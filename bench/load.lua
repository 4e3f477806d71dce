-- wrk script for bench/load.sh: one of the four canonical queries, with different variables on
-- every request (random project, enterprise, country, status and year), so that no cache of
-- answers or pages hides a cost that grows with the store.
--
-- Environment: QUERY (q1..q4), PROJECTS and ENTERPRISES (how many the generated store holds;
-- generated IDs are project:gen-0000000 and up).

local query = os.getenv("QUERY")
local projects = tonumber(os.getenv("PROJECTS"))
local enterprises = tonumber(os.getenv("ENTERPRISES"))

local countries = { "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN" }
local statuses = { "PLANNED", "UNDER_CONSTRUCTION", "OPERATIONAL", "COMPLETED", "SUSPENDED",
  "CANCELLED", "UNKNOWN" }

local documents = {
  q1 = "query Q1($id: ID!) { project(id: $id) { id name status hostCountries { code name } } }",
  q2 = "query Q2($code: String!) { country(code: $code) { name projects(first: 20) { nodes { id name "
    .. "sectors { id name } enterprises { edges { role node { name } } } } } } }",
  q3 = "query Q3($id: ID!) { enterprise(id: $id) { name projects(first: 500) { totalCount edges { role "
    .. "node { id name hostCountries { code name } } } } } }",
  q4 = "query Q4($status: ProjectStatus!, $year: Int!) { projects(filter: {status: [$status], "
    .. "startYear: {min: $year}}, orderBy: [{field: VALUE_USD, direction: DESC}], first: 50) "
    .. "{ totalCount nodes { id name valueUsd startYear } } }",
}

local function variables()
  if query == "q1" then
    return string.format('{"id":"project:gen-%07d"}', math.random(0, projects - 1))
  elseif query == "q2" then
    return string.format('{"code":"%s"}', countries[math.random(#countries)])
  elseif query == "q3" then
    return string.format('{"id":"enterprise:gen-%07d"}', math.random(0, enterprises - 1))
  else
    return string.format('{"status":"%s","year":%d}', statuses[math.random(#statuses)],
      math.random(1990, 2024))
  end
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 100 + (seed or 0))
end

local headers = { ["Content-Type"] = "application/json" }

function request()
  local body = string.format('{"query":"%s","variables":%s}', documents[query], variables())
  return wrk.format("POST", "/graphql", headers, body)
end

-- One tab-separated line: requests/s, p50 ms, p99 ms, non-2xx responses, socket errors.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format("RESULT\t%.0f\t%.2f\t%.2f\t%d\t%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
