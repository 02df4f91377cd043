//! Every problem of a JSON configuration with its line, column and field path, for tools
//! (`sesame-demo check-config`, the demo's `SESAME_PORTALS`). Native only, behind the feature
//! `check`: the widget never loads a configuration this way.
//!
//! A syntax or type error comes from serde_json (its line and column), with the field path
//! `serde_path_to_error` tracked while reading; serde stops there, so it is the only problem
//! reported. A text that reads as a configuration is then checked by
//! [`PortalConfig::problems`] — every problem, each with its path (`methods[2].steps`) — and
//! each path is found in the text through jsonc-parser's syntax tree, which keeps every value's
//! position: the value's first character, or the nearest enclosing value present when the
//! field is absent.

use super::PortalConfig;
use jsonc_parser::ast::Value;
use jsonc_parser::common::Ranged;

/// One problem of a configuration file, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The field path (`theme.accent`, `methods[2].steps`); empty for the document itself (a
    /// syntax error before any field, an empty file).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, in English.
    pub message: String,
}

impl std::fmt::Display for ConfigProblem {
    /// `LINE:COLUMN: PATH: message` (the path left out when empty).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: ", self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// One step of a field path.
#[derive(Debug, PartialEq)]
enum Segment<'p> {
    Field(&'p str),
    Index(usize),
}

/// `methods[2].steps` → `methods`, `2`, `steps`.
fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !name.is_empty() {
            out.push(Segment::Field(name));
        }
        while let Some(close) = rest.find(']') {
            if let Ok(i) = rest[1..close].parse() {
                out.push(Segment::Index(i));
            }
            rest = &rest[close + 1..];
        }
    }
    out
}

/// The byte offset of the value at `path`, or of the nearest enclosing value present.
fn offset_of(root: &Value<'_>, path: &str) -> usize {
    let mut node = root;
    for segment in segments(path) {
        let next = match (segment, node) {
            (Segment::Field(name), Value::Object(object)) => object.get(name).map(|p| &p.value),
            (Segment::Index(i), Value::Array(array)) => array.elements.get(i),
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None => break,
        }
    }
    node.start()
}

/// 1-based line and column (in characters) of the byte `offset` of `text` (past the end: the
/// end; inside a character: that character).
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    (line, column)
}

/// serde_path_to_error's path as ours: `.` (the document) is empty.
fn serde_path(path: &serde_path_to_error::Path) -> String {
    let path = path.to_string();
    if path == "." {
        String::new()
    } else {
        path
    }
}

/// A problem serde_json found, at its line and column.
fn serde_problem(json: &str, path: String, e: &serde_json::Error) -> ConfigProblem {
    // serde_json's column counts bytes; ours, characters.
    let line_start: usize = json
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let (line, column) = if e.line() == 0 {
        (1, 1)
    } else {
        line_column(json, line_start + e.column().saturating_sub(1))
    };
    let message = e.to_string();
    // serde_json ends its message with " at line L column C": said already.
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    };
    ConfigProblem {
        path,
        line,
        column,
        message,
    }
}

impl PortalConfig {
    /// Reads and checks a configuration; when it is refused, every problem found, each with
    /// its line, column and field path (see the module's documentation for what "every" can
    /// mean for a text serde cannot read).
    pub fn check(json: &str) -> Result<PortalConfig, Vec<ConfigProblem>> {
        let mut reader = serde_json::Deserializer::from_str(json);
        let read = serde_path_to_error::deserialize(&mut reader)
            .map_err(|e| {
                let path = serde_path(e.path());
                (path, e.into_inner())
            })
            // Nothing but white space after the configuration.
            .and_then(|config| {
                reader
                    .end()
                    .map(|()| config)
                    .map_err(|e| (String::new(), e))
            });
        let config: PortalConfig = match read {
            Ok(config) => config,
            Err((path, e)) => return Err(vec![serde_problem(json, path, &e)]),
        };
        let problems = config.problems();
        if problems.is_empty() {
            return Ok(config);
        }
        let strict = jsonc_parser::ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        let tree = jsonc_parser::parse_to_ast(json, &Default::default(), &strict)
            .ok()
            .and_then(|parsed| parsed.value);
        Err(problems
            .into_iter()
            .map(|problem| {
                let offset = tree.as_ref().map_or(0, |root| offset_of(root, &problem.at));
                let (line, column) = line_column(json, offset);
                ConfigProblem {
                    path: problem.at,
                    line,
                    column,
                    message: problem.message,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_fields_and_indices() {
        use Segment::{Field, Index};
        assert_eq!(
            segments("methods[2].steps"),
            [Field("methods"), Index(2), Field("steps")]
        );
        assert_eq!(
            segments("password.rules[0]"),
            [Field("password"), Field("rules"), Index(0)]
        );
        assert_eq!(segments(""), []);
    }

    #[test]
    fn lines_and_columns_count_characters_from_one() {
        let text = "{\n  \"é\": 1,\n  \"b\": 2\n}";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, text.find("1,").unwrap()), (2, 8));
        assert_eq!(line_column(text, text.find("2").unwrap()), (3, 8));
        assert_eq!(line_column(text, text.len() + 10), (4, 2));
        let inside_e = text.find('é').unwrap() + 1;
        assert_eq!(line_column(text, inside_e), (2, 4));
    }
}
