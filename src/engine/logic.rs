//! Smart-list filter logic: "all", "any", or advanced logic such as "1 and (2 or not 3)".
//!
//! The parser, evaluation and drop of an expression recurse over its tree, so its size is
//! bounded before any tree is built: a file or a link cannot drive them past the stack.

/// The most words and brackets one advanced-logic expression may have.
pub const MAX_LOGIC_TOKENS: usize = 400;
/// The deepest nesting of parentheses and `not` in one expression.
pub const MAX_LOGIC_DEPTH: usize = 20;

/// A parsed filter-logic expression over 1-based filter numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Logic {
    All,
    Any,
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A filter, 0-based index.
    Filter(usize),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Logic {
    /// Parses `text` for a smart list with `filters` filters.
    pub fn parse(text: Option<&str>, filters: usize) -> Result<Logic, String> {
        let Some(text) = text else {
            return Ok(Logic::All);
        };
        match text.trim().to_ascii_lowercase().as_str() {
            "all" | "" => return Ok(Logic::All),
            "any" => return Ok(Logic::Any),
            _ => {}
        }
        let tokens = tokenize(text)?;
        let mut p = Parser {
            tokens,
            pos: 0,
            depth: 0,
            filters,
        };
        let e = p.or()?;
        if p.pos != p.tokens.len() {
            return Err(format!(
                "filter logic `{text}`: unexpected `{}`",
                p.tokens[p.pos]
            ));
        }
        Ok(Logic::Expr(e))
    }

    /// Evaluates with `test(i)` giving filter i's result (lazily, left to right).
    pub fn eval(&self, n: usize, test: &mut dyn FnMut(usize) -> bool) -> bool {
        match self {
            Logic::All => (0..n).all(test),
            Logic::Any => n == 0 || (0..n).any(test),
            Logic::Expr(e) => e.eval(test),
        }
    }
}

impl Expr {
    fn eval(&self, test: &mut dyn FnMut(usize) -> bool) -> bool {
        match self {
            Expr::Filter(i) => test(*i),
            Expr::Not(e) => !e.eval(test),
            Expr::And(a, b) => a.eval(test) && b.eval(test),
            Expr::Or(a, b) => a.eval(test) || b.eval(test),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' || c == ')' {
            out.push(c.to_string());
            chars.next();
        } else if c.is_ascii_alphanumeric() {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if !c.is_ascii_alphanumeric() {
                    break;
                }
                w.push(c.to_ascii_lowercase());
                chars.next();
            }
            out.push(w);
        } else {
            return Err(format!("filter logic `{text}`: unexpected character `{c}`"));
        }
        if out.len() > MAX_LOGIC_TOKENS {
            return Err(format!(
                "filter logic is too long: at most {MAX_LOGIC_TOKENS} filter numbers, words and brackets"
            ));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<String>,
    pos: usize,
    /// Parentheses and `not`s open around the current position.
    depth: usize,
    filters: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(|s| s.as_str())
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut e = self.and()?;
        while self.peek() == Some("or") {
            self.pos += 1;
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut e = self.unary()?;
        while self.peek() == Some("and") {
            self.pos += 1;
            e = Expr::And(Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        let tok = self
            .peek()
            .ok_or("filter logic ends too early")?
            .to_string();
        self.pos += 1;
        match tok.as_str() {
            "not" | "(" => {
                self.depth += 1;
                if self.depth > MAX_LOGIC_DEPTH {
                    return Err(format!(
                        "filter logic nests too deep: at most {MAX_LOGIC_DEPTH} parentheses and `not`s inside one another"
                    ));
                }
                let e = if tok == "not" {
                    Expr::Not(Box::new(self.unary()?))
                } else {
                    let e = self.or()?;
                    if self.peek() != Some(")") {
                        return Err("filter logic: missing `)`".into());
                    }
                    self.pos += 1;
                    e
                };
                self.depth -= 1;
                Ok(e)
            }
            t => {
                let n: usize = t
                    .parse()
                    .map_err(|_| format!("filter logic: `{t}` is not a filter number"))?;
                if n == 0 || n > self.filters {
                    return Err(format!(
                        "filter logic: filter {n} does not exist (the smart list has {})",
                        self.filters
                    ));
                }
                Ok(Expr::Filter(n - 1))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str, values: &[bool]) -> bool {
        Logic::parse(Some(text), values.len())
            .unwrap()
            .eval(values.len(), &mut |i| values[i])
    }

    #[test]
    fn advanced_logic_follows_precedence_and_parentheses() {
        assert!(eval("1 and (2 or 3)", &[true, false, true]));
        assert!(!eval("1 and (2 or 3)", &[false, true, true]));
        assert!(eval("1 and 2 or 3", &[false, false, true]));
        assert!(eval("not 1 and 2", &[false, true]));
        assert!(eval("ALL", &[true, true]));
        assert!(!eval("all", &[true, false]));
        assert!(eval("any", &[false, true]));
    }

    #[test]
    fn bad_logic_is_reported() {
        assert!(Logic::parse(Some("1 and 4"), 3)
            .unwrap_err()
            .contains("filter 4"));
        assert!(Logic::parse(Some("(1 or 2"), 2).unwrap_err().contains(")"));
        assert!(Logic::parse(Some("1 ; 2"), 2).is_err());
        assert!(Logic::parse(Some("1 and"), 2).is_err());
    }

    #[test]
    fn hostile_logic_is_refused_before_it_can_overflow_the_stack() {
        let deep = format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000));
        assert!(Logic::parse(Some(&deep), 1)
            .unwrap_err()
            .contains("too long"));
        let nots = format!("{}1", "not ".repeat(MAX_LOGIC_DEPTH + 1));
        assert!(Logic::parse(Some(&nots), 1)
            .unwrap_err()
            .contains("too deep"));
        let parens = format!(
            "{}1{}",
            "(".repeat(MAX_LOGIC_DEPTH + 1),
            ")".repeat(MAX_LOGIC_DEPTH + 1)
        );
        assert!(Logic::parse(Some(&parens), 1)
            .unwrap_err()
            .contains("too deep"));
        let long = vec!["1"; MAX_LOGIC_TOKENS].join(" and ");
        assert!(Logic::parse(Some(&long), 1)
            .unwrap_err()
            .contains("too long"));
        // At the limits, logic still reads and evaluates.
        let at_depth = format!(
            "{}1{}",
            "(".repeat(MAX_LOGIC_DEPTH),
            ")".repeat(MAX_LOGIC_DEPTH)
        );
        assert!(eval(&at_depth, &[true]));
        assert!(eval(
            &vec!["1"; MAX_LOGIC_TOKENS / 2].join(" and "),
            &[true]
        ));
    }
}
