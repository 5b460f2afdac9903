//! The source's own layout, held to what README's "Source layout" promises a newcomer:
//! imports between the crate's files run one way (from the command line down to the
//! model), so a reader can start at the bottom and climb; and no file is so long that it
//! hides how it works.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;

/// The most lines of code (not blank, not comments) a file may hold outside its tests.
const MAX_CODE_LINES: usize = 700;

/// A source file of the library: its module path (`build::plan`, `` for lib.rs) and its
/// code outside `#[cfg(test)]` items, comments left out.
struct Source {
    module: String,
    code: Vec<String>,
}

fn sources() -> BTreeMap<String, Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("main.rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let module =
            relative.trim_end_matches(".rs").trim_end_matches("/mod").trim_end_matches("lib").replace('/', "::");
        let text = std::fs::read_to_string(path).unwrap();
        files.insert(relative, Source { module, code: code_lines(&text) });
    }
    assert!(files.len() > 30, "the sources were not found");
    files
}

/// The lines of a file that are code: no blank lines, no comments, nothing under
/// `#[cfg(test)]` (a test module or a test-only item, up to its closing brace).
fn code_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed == "#[cfg(test)]" {
            skip_item(&mut lines);
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        out.push(trimmed.to_owned());
    }
    out
}

/// Skips the item an attribute stands over: to the end of its braces, or its `;`.
fn skip_item<'a>(lines: &mut impl Iterator<Item = &'a str>) {
    let mut depth = 0i32;
    let mut opened = false;
    for line in lines {
        let code = line.split("//").next().unwrap_or_default();
        for c in code.chars() {
            match c {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
        if (opened && depth <= 0) || (!opened && code.trim_end().ends_with(';')) {
            return;
        }
    }
}

/// The paths a `use` tree names, braces expanded: `a::{b, c::{d, self}}` gives `a::b`,
/// `a::c::d` and `a::c`.
fn expand(tree: &str) -> Vec<String> {
    // `x as y` keeps its `x`; white space goes.
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ").replace(" as ", "@");
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree.split('@').next().unwrap().trim_end_matches("::self").to_owned()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .map(|p| p.split('@').next().unwrap().to_owned())
        .collect()
}

/// The file of the module that a path names (the deepest module on it), if it is one of
/// the crate's.
fn module_of<'a>(path: &[&str], modules: &'a BTreeMap<String, String>) -> Option<&'a String> {
    (0..=path.len()).rev().find_map(|n| modules.get(&path[..n].join("::")))
}

/// Each file and the files it takes names from.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources();
    let modules: BTreeMap<String, String> = files.iter().map(|(file, s)| (s.module.clone(), file.clone())).collect();
    let use_statement = Regex::new(r"(?s)\buse\s+([^;]+);").unwrap();
    let crate_path = Regex::new(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)").unwrap();
    let child_mod = Regex::new(r"^(?:pub(?:\([a-z]+\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;").unwrap();
    let mut graph = BTreeMap::new();
    for (file, source) in &files {
        let here: Vec<&str> = source.module.split("::").filter(|m| !m.is_empty()).collect();
        let children: BTreeSet<&str> =
            source.code.iter().filter_map(|l| child_mod.captures(l)).map(|c| c.get(1).unwrap().as_str()).collect();
        let code = source.code.join("\n");
        let mut paths: Vec<String> = Vec::new();
        for statement in use_statement.captures_iter(&code) {
            paths.extend(expand(&statement[1]));
        }
        paths.extend(crate_path.find_iter(&code).map(|m| m.as_str().to_owned()));
        // Names a file takes from its own child modules without `use`: `folder::lock(…)`.
        for child in &children {
            if code.contains(&format!("{child}::")) {
                paths.push(format!("self::{child}"));
            }
        }
        let mut targets = BTreeSet::new();
        for path in paths {
            let mut parts: Vec<&str> = path.split("::").collect();
            let absolute: Vec<&str> = match parts.first().copied() {
                Some("crate") => parts.split_off(1),
                Some("super") => {
                    let mut base = here.clone();
                    while parts.first() == Some(&"super") {
                        base.pop();
                        parts.remove(0);
                    }
                    base.extend(parts);
                    base
                }
                Some("self") => here.iter().copied().chain(parts.into_iter().skip(1)).collect(),
                Some(first) if children.contains(first) => here.iter().copied().chain(parts).collect(),
                _ => continue,
            };
            if let Some(target) = module_of(&absolute, &modules)
                && target != file
            {
                targets.insert(target.clone());
            }
        }
        graph.insert(file.clone(), targets);
    }
    graph
}

/// The files from which `file` can be reached again through imports, with the way there.
fn loop_through(graph: &BTreeMap<String, BTreeSet<String>>, file: &str) -> Option<Vec<String>> {
    let mut stack: Vec<Vec<String>> = vec![vec![file.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(way) = stack.pop() {
        for next in &graph[way.last().unwrap()] {
            if next == file {
                let mut found = way.clone();
                found.push(next.clone());
                return Some(found);
            }
            if seen.insert(next.clone()) {
                let mut longer = way.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn imports_run_one_way() {
    let graph = imports();
    // The graph is read at all: the pipeline's top imports its stages.
    assert!(graph["build/mod.rs"].contains("build/plan.rs"), "{:?}", graph["build/mod.rs"]);
    assert!(graph["build/plan.rs"].contains("cache.rs"), "{:?}", graph["build/plan.rs"]);
    assert!(graph["parse/plain.rs"].contains("model.rs"), "{:?}", graph["parse/plain.rs"]);
    let loops: Vec<String> = graph.keys().filter_map(|f| loop_through(&graph, f)).map(|way| way.join(" → ")).collect();
    assert!(loops.is_empty(), "imports that run in a loop:\n{}", loops.join("\n"));
    // The model sits at the bottom: it takes nothing from the crate.
    assert!(graph["model.rs"].is_empty(), "the model imports {:?}", graph["model.rs"]);
}

#[test]
fn loops_are_found() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a.rs", &["b.rs"][..]), ("b.rs", &["c.rs"][..]), ("c.rs", &["a.rs"][..]), ("d.rs", &["a.rs"][..])]
            .into_iter()
            .map(|(f, to)| (f.to_owned(), to.iter().map(|t| (*t).to_owned()).collect()))
            .collect();
    assert_eq!(loop_through(&graph, "a.rs").unwrap(), ["a.rs", "b.rs", "c.rs", "a.rs"]);
    assert!(loop_through(&graph, "d.rs").is_none());
    assert_eq!(
        expand("crate::build::{self, read::{Dumps, Reread as R}, plan}"),
        ["crate::build", "crate::build::read::Dumps", "crate::build::read::Reread", "crate::build::plan"]
    );
    let code = code_lines("use a;\n// c\n\n#[cfg(test)]\nmod tests {\n    fn x() {}\n}\nfn y() {}\n");
    assert_eq!(code, ["use a;", "fn y() {}"]);
}

#[test]
fn no_file_hides_its_work_in_length() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter(|(_, s)| s.code.len() > MAX_CODE_LINES)
        .map(|(file, s)| format!("src/{file}: {} lines of code", s.code.len()))
        .collect();
    assert!(
        long.is_empty(),
        "split these along what they do (at most {MAX_CODE_LINES} lines of code outside tests):\n{}",
        long.join("\n")
    );
}
