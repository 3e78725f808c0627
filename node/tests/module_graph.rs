//! The module graph of `sicc-node` (ARCHITECTURE.md, "Module graph"), checked from the source:
//! the top-level modules import one another without circles, and the HTTP layer reaches the
//! rest of the node only through the application service.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module -> the top-level modules it names as `crate::<module>`.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a path");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "lib" || module == "main" {
            continue; // the crate roots declare every module
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        let uses = graph.entry(module.clone()).or_default();
        for line in text.lines() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    !rest.starts_with('{'),
                    "{}: name one module per `use crate::…` so the graph can be read",
                    file.display()
                );
                if !name.is_empty() && name != module {
                    uses.insert(name);
                }
            }
        }
    }
    graph
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// A circle through `from`, if there is one.
fn circle_from(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        target: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let here = path.last().expect("non-empty").clone();
        for next in graph.get(&here).into_iter().flatten() {
            if next == target {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, target, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![from.to_owned()];
    walk(graph, from, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn the_top_level_modules_import_one_another_without_circles() {
    let graph = module_graph();
    assert!(graph.len() > 5, "the scan found the modules: {graph:?}");
    for module in graph.keys() {
        if let Some(circle) = circle_from(&graph, module) {
            panic!("import circle: {}", circle.join(" -> "));
        }
    }
}

#[test]
fn the_http_layer_reaches_the_node_only_through_the_application_service() {
    let graph = module_graph();
    let api = &graph["api"];
    assert!(api.contains("app"), "api calls the application service");
    // `i18n` is a leaf: the pages' languages, numbers and dates.
    // `workpackages` is a pure leaf too: the figures of the work-package pages.
    let allowed: BTreeSet<String> = ["app", "metrics", "i18n", "workpackages"]
        .map(String::from)
        .into();
    let beyond: Vec<_> = api.difference(&allowed).collect();
    assert!(
        beyond.is_empty(),
        "api imports {beyond:?}; staff actions and their types go through `app`"
    );
}

#[test]
fn the_scan_sees_a_circle_when_there_is_one() {
    let mut graph = module_graph();
    graph
        .entry("storage".to_owned())
        .or_default()
        .insert("api".to_owned());
    assert!(circle_from(&graph, "api").is_some());
}
