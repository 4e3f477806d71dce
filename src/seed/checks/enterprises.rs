//! Enterprises and the projects they take part in: no enterprise is its own parent or shares a
//! name with it, every project has a Chinese participant (an enterprise headquartered in China,
//! or owned by one that is), and a finished project has a completion year or a note saying why.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::{array, problem, str_of, Report};

/// Checks the parent groups in `enterprises.json` and the participants and completion of
/// `projects.json`.
pub(super) fn check(files: &BTreeMap<String, Value>, report: &mut Report) {
    let enterprises = array(files, "enterprises");
    let by_id: HashMap<&str, &Value> = enterprises
        .iter()
        .filter_map(|e| Some((str_of(e, "id")?, e)))
        .collect();
    let parent_of = |e: &Value| {
        e.get("parent")
            .and_then(|p| str_of(p, "enterprise"))
            .and_then(|id| by_id.get(id).copied())
    };
    let names = |e: &Value| -> BTreeSet<String> {
        let mut all: BTreeSet<String> = e
            .get("aliases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_lowercase)
            .collect();
        all.extend(str_of(e, "name").map(str::to_lowercase));
        all
    };
    // Chinese: headquartered in China, or with an ancestor that is.
    let chinese = |e: &Value| {
        let mut seen = BTreeSet::new();
        let mut current = Some(e);
        while let Some(c) = current {
            if str_of(c, "headquarters") == Some("country:CN") {
                return true;
            }
            if !seen.insert(str_of(c, "id").unwrap_or_default()) {
                return false;
            }
            current = parent_of(c);
        }
        false
    };
    for (i, e) in enterprises.iter().enumerate() {
        let id = str_of(e, "id").unwrap_or_default();
        let Some(parent) = parent_of(e) else { continue };
        let pid = str_of(parent, "id").unwrap_or_default();
        if pid == id {
            report.problems.push(problem(
                "enterprises.json",
                format!("$.enterprises[{i}].parent"),
                format!("`{id}` is its own parent"),
            ));
        }
        if let Some(shared) = names(e).intersection(&names(parent)).next() {
            report.problems.push(problem(
                "enterprises.json",
                format!("$.enterprises[{i}].parent"),
                format!("`{id}` and its parent `{pid}` share the name `{shared}`: one company recorded twice?"),
            ));
        }
    }
    for (i, p) in array(files, "projects").iter().enumerate() {
        let id = str_of(p, "id").unwrap_or_default();
        let participants = p.get("participants").and_then(Value::as_array);
        let has_chinese = participants.into_iter().flatten().any(|row| {
            str_of(row, "enterprise")
                .and_then(|e| by_id.get(e))
                .is_some_and(|e| chinese(e))
        });
        if !has_chinese {
            report.problems.push(problem(
                "projects.json",
                format!("$.projects[{i}].participants"),
                format!(
                    "`{id}` has no Chinese participant (an enterprise headquartered in China, or owned by \
                     one that is)"
                ),
            ));
        }
        let status = str_of(p, "status").unwrap_or("UNKNOWN");
        let finished = matches!(status, "OPERATIONAL" | "COMPLETED");
        let explained = p
            .get("notes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|n| n.to_lowercase().contains("complet"));
        if finished && p.get("completionYear").is_none() && !explained {
            report.problems.push(problem(
                "projects.json",
                format!("$.projects[{i}].status"),
                format!("`{id}` is {status} but has no completionYear and no note saying why"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{fails_with, good, report_of};

    #[test]
    fn a_project_without_a_chinese_participant_is_a_problem() {
        let mut files = good();
        files.get_mut("enterprises.json").unwrap()["enterprises"][0]["headquarters"] =
            serde_json::json!("country:PH");
        fails_with(files, "has no Chinese participant");
    }

    #[test]
    fn an_enterprise_sharing_a_name_with_its_parent_is_a_problem() {
        let mut files = good();
        files.get_mut("enterprises.json").unwrap()["enterprises"][1]["aliases"] =
            serde_json::json!(["GROUP"]);
        fails_with(files, "share the name `group`");
    }

    #[test]
    fn a_finished_project_without_a_completion_year_or_note_is_a_problem() {
        let mut files = good();
        let project = &mut files.get_mut("projects.json").unwrap()["projects"][0];
        project.as_object_mut().unwrap().remove("completionYear");
        fails_with(files.clone(), "has no completionYear");
        files.get_mut("projects.json").unwrap()["projects"][0]["notes"] =
            serde_json::json!(["Completion year not reported [source:a]."]);
        assert!(report_of(files).problems.is_empty());
    }
}
