//! GnuTLS's public headers, written from `compat/gnutls.api` (GnuTLS's
//! documented API, one fact a line; see tools/gen-gnutls-api.py).
//!
//! cbindgen writes gnutls.h from the Rust sources: what stepup implements,
//! with its own doc comments. Every documented declaration cbindgen did not
//! write is added here, in the header GnuTLS declares it in: the rest of
//! gnutls.h at its end, and each other header (x509.h, pkcs11.h, ...) whole.
//! A program written for GnuTLS then compiles against include/ alone; the
//! functions only declared here are stepup's load-only ones.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::Path;

/// The headers GnuTLS installs for libgnutls, base first.
pub const HEADERS: &[&str] = &[
    "gnutls.h",
    "x509.h",
    "x509-ext.h",
    "abstract.h",
    "crypto.h",
    "pkcs11.h",
    "pkcs12.h",
    "pkcs7.h",
    "dtls.h",
    "ocsp.h",
    "socket.h",
    "self-test.h",
    "system-keys.h",
    "tpm.h",
    "urls.h",
    "compat.h",
    "openpgp.h",
];

/// One line of compat/gnutls.api.
struct Fact {
    kind: String,
    header: String,
    name: String,
    rest: Vec<String>,
}

impl Fact {
    /// The identifier the fact declares (a macro's name without arguments).
    fn ident(&self) -> &str {
        self.name.split('(').next().unwrap_or(&self.name)
    }
}

fn read_facts(root: &Path) -> Vec<Fact> {
    let text = fs::read_to_string(root.join("compat/gnutls.api")).expect("read compat/gnutls.api");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let mut fields = line.split('\t').map(str::to_string);
            let kind = fields.next().expect("kind");
            let header = fields.next().expect("header");
            let name = fields.next().expect("name");
            Fact {
                kind,
                header,
                name,
                rest: fields.collect(),
            }
        })
        .collect()
}

/// The identifiers `text` (cbindgen's gnutls.h) already declares, as
/// functions, types or macros; enough to tell which facts to leave out.
fn declared(text: &str) -> HashSet<String> {
    let mut names = HashSet::new();
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("#define ") {
            if let Some(first) = words(rest).into_iter().next() {
                names.insert(first);
            }
        }
    }
    // Declarators: a name followed by '(' (functions and function types),
    // by ')' after '*' (pointer typedefs), or by ';' (typedef names).
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() || bytes[i] == '_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == '_') {
                i += 1;
            }
            let word: String = bytes[start..i].iter().collect();
            let mut j = i;
            while j < bytes.len() && bytes[j] == ' ' {
                j += 1;
            }
            let before = bytes[..start].iter().rev().find(|c| **c != ' ');
            let next = bytes.get(j).copied();
            if next == Some('(') || next == Some(';') || (next == Some(')') && before == Some(&'*'))
            {
                names.insert(word);
            }
        } else {
            i += 1;
        }
    }
    names
}

/// `ParamN` is how the API reference names a parameter the header leaves
/// unnamed; the header here leaves it unnamed too.
fn params(text: &str) -> String {
    let mut out = String::new();
    for (n, part) in text.split(", ").enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        let trimmed = match part.rfind(' ') {
            Some(at) if part[at + 1..].starts_with("Param") => part[..at].to_string(),
            _ => part.to_string(),
        };
        out.push_str(&trimmed);
    }
    out
}

fn with_type(ty: &str, name: &str) -> String {
    if ty.ends_with('*') {
        format!("{ty}{name}")
    } else {
        format!("{ty} {name}")
    }
}

/// The C text of one fact; `skip` holds the enum members already declared.
fn render(fact: &Fact, skip: &HashSet<String>) -> String {
    let r = &fact.rest;
    let name = &fact.name;
    match fact.kind.as_str() {
        "fn" => format!("{}({});\n", with_type(&r[0], name), params(&r[1])),
        "cb" => format!("typedef {} (*{name})({});\n", r[0], params(&r[1])),
        "fntype" => format!("typedef {}({});\n", with_type(&r[0], name), params(&r[1])),
        "handle" => {
            let constness = if r.get(1).is_some_and(|c| c == "const") {
                "const "
            } else {
                ""
            };
            format!("typedef {constness}struct {} *{name};\n", r[0])
        }
        "alias" => match r[0].strip_suffix("[8]") {
            Some(element) => format!("typedef {element} {name}[8];\n"),
            None => format!("typedef {};\n", with_type(&r[0], name)),
        },
        // Tagged with its own name when the documentation gives no tag:
        // prototypes may name it `struct NAME`.
        "struct" => {
            let tag = r.get(1).filter(|tag| !tag.is_empty()).unwrap_or(name);
            format!("typedef struct {tag} {{\n{}}} {name};\n", members(&r[0]))
        }
        "tagged" => format!("struct {name} {{\n{}}};\n", members(&r[0])),
        "const" => format!("#define {name} {}\n", r[0]),
        "macro" => format!("#define {name} {}\n", r[0]),
        "enum" => {
            let pairs: Vec<(&str, &str)> = r
                .first()
                .map(|list| {
                    list.split(',')
                        .filter_map(|pair| pair.split_once('='))
                        .collect()
                })
                .unwrap_or_default();
            let fresh = pairs.iter().all(|(m, _)| !skip.contains(*m));
            if fresh && !skip.contains(name) {
                let mut text = "typedef enum {\n".to_string();
                for (member, value) in &pairs {
                    text.push_str(&format!("    {member} = {value},\n"));
                }
                text.push_str(&format!("}} {name};\n"));
                text
            } else {
                // Some members are already macros: the rest follow suit.
                let mut text = String::new();
                if !skip.contains(name) {
                    text.push_str(&format!("typedef int {name};\n"));
                }
                for (member, value) in pairs.iter().filter(|(m, _)| !skip.contains(*m)) {
                    text.push_str(&format!("#define {member} {value}\n"));
                }
                text
            }
        }
        other => panic!("compat/gnutls.api: unknown kind {other}"),
    }
}

fn members(list: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        current.push(c);
        if c == ';' && depth == 0 {
            out.push_str(&format!("    {}\n", current.trim()));
            current.clear();
        }
    }
    out
}

/// The gnutls_* identifiers a fact's C text mentions besides its own name.
fn uses(fact: &Fact) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for field in &fact.rest {
        for word in field.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if word.starts_with("gnutls_") || word.starts_with("GNUTLS_") {
                out.insert(word.to_string());
            }
        }
    }
    out.remove(fact.ident());
    out
}

/// The order declarations are written in: types before what uses them.
fn rank(kind: &str) -> u8 {
    match kind {
        "handle" | "alias" | "enum" | "const" => 0,
        "struct" | "tagged" | "cb" | "fntype" => 1,
        "fn" => 2,
        _ => 3,
    }
}

/// The declarations of one header, in an order that compiles: by rank, and
/// within rank 1 each after the types it uses.
fn header_body(facts: &[&Fact], skip: &HashSet<String>) -> String {
    let mut ordered: Vec<&Fact> = Vec::new();
    let mut placed: HashSet<&str> = HashSet::new();
    for r in 0..=3 {
        let mut pending: Vec<&Fact> = facts
            .iter()
            .copied()
            .filter(|f| rank(&f.kind) == r)
            .collect();
        let local: HashSet<&str> = pending.iter().map(|f| f.ident()).collect();
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|f| {
                let ready = uses(f)
                    .iter()
                    .all(|u| !local.contains(u.as_str()) || placed.contains(u.as_str()));
                if ready {
                    ordered.push(f);
                    placed.insert(f.ident());
                }
                !ready
            });
            if pending.len() == before {
                // A cycle (cannot happen in C that compiles): keep file order.
                ordered.append(&mut pending);
            }
        }
    }
    let mut text = String::new();
    for fact in ordered {
        text.push_str(&render(fact, skip));
    }
    text
}

/// Writes the documented declarations: appended to `gnutls_h` (cbindgen's
/// text, returned extended), and each other header into `out_dir/gnutls/`.
pub fn generate(
    root: &Path,
    out_dir: &Path,
    gnutls_h: &str,
    write: impl Fn(&Path, &str),
) -> String {
    let facts = read_facts(root);
    let mut skip = declared(gnutls_h);
    // An enum cbindgen declared as int: its members are macros already, or
    // come as macros below.
    let mut by_header: BTreeMap<&str, Vec<&Fact>> = BTreeMap::new();
    let mut home: BTreeMap<String, &str> = BTreeMap::new();
    for fact in &facts {
        if skip.contains(fact.ident()) && fact.kind != "enum" {
            continue;
        }
        home.insert(fact.ident().to_string(), fact.header.as_str());
        if fact.kind == "enum" {
            if let Some(list) = fact.rest.first() {
                for pair in list.split(',') {
                    if let Some((member, _)) = pair.split_once('=') {
                        home.insert(member.to_string(), fact.header.as_str());
                    }
                }
            }
        }
        by_header
            .entry(fact.header.as_str())
            .or_default()
            .push(fact);
    }
    // The appended part of gnutls.h.
    let base = by_header.remove("gnutls.h").unwrap_or_default();
    let mut gnutls = gnutls_h.to_string();
    gnutls.push_str(
        "\n#ifndef GNUTLS_GNUTLS_H_DOCUMENTED\n#define GNUTLS_GNUTLS_H_DOCUMENTED\n\
         /* The rest of GnuTLS's documented gnutls.h (compat/gnutls.api): what stepup\n \
         * does not implement is exported load-only (docs/gnutls-abi.md). */\n\
         #ifdef __cplusplus\nextern \"C\" {\n#endif\n\n",
    );
    gnutls.push_str(&header_body(&base, &skip));
    gnutls.push_str(
        "\n#ifdef __cplusplus\n}\n#endif\n\n#include <gnutls/compat.h>\n\n#endif /* GNUTLS_GNUTLS_H_DOCUMENTED */\n",
    );
    skip.extend(base.iter().map(|f| f.ident().to_string()));

    for header in HEADERS.iter().filter(|h| **h != "gnutls.h") {
        let facts = by_header.remove(header).unwrap_or_default();
        // Include each header whose declarations this one uses.
        let mut includes: BTreeSet<&str> = BTreeSet::new();
        for fact in &facts {
            for used in uses(fact) {
                if let Some(other) = home.get(&used) {
                    if *other != *header && *other != "gnutls.h" {
                        includes.insert(other);
                    }
                }
            }
        }
        let guard = format!("GNUTLS_{}", header.to_uppercase().replace(['.', '-'], "_"));
        let mut text = format!(
            "/* Generated by build.rs from compat/gnutls.api: GnuTLS's documented <gnutls/{header}>.\n \
             * The functions stepup does not implement are exported load-only\n \
             * (docs/gnutls-abi.md). */\n#ifndef {guard}\n#define {guard}\n\n#include <gnutls/gnutls.h>\n"
        );
        for include in &includes {
            text.push_str(&format!("#include <gnutls/{include}>\n"));
        }
        if *header == "socket.h" {
            // struct sockaddr and socklen_t.
            text.push_str("#include <sys/socket.h>\n");
        }
        text.push_str("\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
        text.push_str(&header_body(&facts, &skip));
        text.push_str(&format!(
            "\n#ifdef __cplusplus\n}}\n#endif\n\n#endif /* {guard} */\n"
        ));
        write(&out_dir.join("gnutls").join(header), &text);
    }
    gnutls
}
