//! A path a resource pattern matches ([`sample_path`]): what the resource map is asked about to
//! learn which place in it a route holds, and which resource comes first for the route's paths.
//!
//! A pattern's dynamic segments are filled with a given value, or, where the segment has a regex
//! of its own (`{id:[0-9]{3}}`), with a value built from that regex. Only the regex syntax that
//! route patterns use is understood (literals, classes, groups, alternation, repetition); for
//! anything else there is no sample, and whoever asked fails closed. Callers check the sample
//! against the pattern itself ([`ResourceDef::is_match`](actix_web::dev::ResourceDef::is_match)):
//! a wrong sample is never taken for a right one.

/// A path that `pattern` (written as for `ResourceDef::new`) may match: its literal text, each
/// plain dynamic segment (`{id}`, `{tail}*`) filled with `fill`, each regex segment with a value
/// its regex matches. `None` when a regex uses syntax this module does not read.
pub(crate) fn sample_path(pattern: &str, fill: &str) -> Option<String> {
    let mut path = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = open + closing_brace(&rest[open..])?;
        let segment = &rest[open + 1..close];
        match segment.split_once(':') {
            Some((_, regex)) => path.push_str(&Regex::new(regex).sample()?),
            None => path.push_str(fill),
        }
        rest = &rest[close + 1..];
        // A tail segment (`{tail}*`) takes any text, `fill` included.
        rest = rest.strip_prefix('*').unwrap_or(rest);
    }
    path.push_str(rest);
    Some(path)
}

/// The index of the `}` that closes the segment `segment` opens with, counting the braces of its
/// regex (`{id:[0-9]{3}}`), as actix-web's router does.
fn closing_brace(segment: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (index, c) in segment.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// The longest sample built for one regex, in bytes.
const MAX_SAMPLE: usize = 1024;

/// Characters tried, in order, where a regex allows "anything but" some: none is `/`, which a
/// segment cannot hold.
const CANDIDATES: &[char] = &['a', '0', 'A', 'z', '9', 'Z', '_', '-', '.', '~'];

/// A regex being read, left to right, into one string it matches: the first alternative of each
/// alternation, the fewest repetitions of each repetition.
struct Regex<'a> {
    rest: &'a str,
    /// Whether the sample being built outgrew [`MAX_SAMPLE`].
    too_long: bool,
}

impl<'a> Regex<'a> {
    fn new(regex: &'a str) -> Self {
        Regex {
            rest: regex,
            too_long: false,
        }
    }

    fn sample(mut self) -> Option<String> {
        let sample = self.alternation()?;
        (self.rest.is_empty() && !self.too_long).then_some(sample)
    }

    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.rest = &self.rest[c.len_utf8()..];
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let eaten = self.peek() == Some(c);
        if eaten {
            self.next();
        }
        eaten
    }

    /// `a|b|c`: the first alternative's sample; the others are read and left out.
    fn alternation(&mut self) -> Option<String> {
        let first = self.concatenation()?;
        while self.eat('|') {
            self.concatenation()?;
        }
        Some(first)
    }

    fn concatenation(&mut self) -> Option<String> {
        let mut sample = String::new();
        while !matches!(self.peek(), None | Some('|' | ')')) {
            let atom = self.atom()?;
            let times = self.repetition()?;
            if times == 0 {
                // What an atom repeated no times would have been does not matter.
                self.too_long = false;
                continue;
            }
            // A regex like `(a{1000}){1000}` has no sample a route's path would be: the
            // sample is abandoned, unless an outer `{0}` drops it.
            let length = atom
                .len()
                .saturating_mul(times)
                .saturating_add(sample.len());
            if self.too_long || length > MAX_SAMPLE {
                self.too_long = true;
                return Some(String::new());
            }
            sample.push_str(&atom.repeat(times));
        }
        Some(sample)
    }

    /// How many times the atom just read is repeated in the sample: the least its quantifier
    /// allows.
    fn repetition(&mut self) -> Option<usize> {
        let times = match self.peek() {
            Some('?' | '*') => {
                self.next();
                0
            }
            Some('+') => {
                self.next();
                1
            }
            Some('{') => {
                self.next();
                let digits: String = std::iter::from_fn(|| {
                    self.peek()
                        .filter(char::is_ascii_digit)
                        .and_then(|_| self.next())
                })
                .collect();
                let least = digits.parse().ok()?;
                while self.peek()? != '}' {
                    self.next();
                }
                self.next();
                least
            }
            _ => return Some(1),
        };
        // A lazy quantifier (`+?`) matches the same strings.
        self.eat('?');
        Some(times)
    }

    fn atom(&mut self) -> Option<String> {
        match self.next()? {
            '(' => match self.group_flags()? {
                Group::FlagsOnly => Some(String::new()),
                Group::Capturing => {
                    let inner = self.alternation()?;
                    self.eat(')').then_some(inner)
                }
            },
            '[' => self.class().map(String::from),
            '\\' => self.escape(),
            '.' => Some("a".into()),
            '^' | '$' => Some(String::new()),
            c => Some(c.into()),
        }
    }

    /// What follows a group's `(`: `?:`, `?P<name>`, `?<name>`, `?flags:` (all read as a plain
    /// group: a sample that matches without the flags, case-insensitivity say, matches with them),
    /// or `?flags)` alone, which leaves nothing to match ([`Group::FlagsOnly`]).
    fn group_flags(&mut self) -> Option<Group> {
        if !self.eat('?') {
            return Some(Group::Capturing);
        }
        if self.eat('P') || self.peek() == Some('<') {
            self.eat('<').then_some(())?;
            while self.next()? != '>' {}
            return Some(Group::Capturing);
        }
        loop {
            match self.next()? {
                ':' => return Some(Group::Capturing),
                ')' => return Some(Group::FlagsOnly),
                'i' | 'm' | 's' | 'U' | 'u' | 'x' | 'R' | '-' => {}
                _ => return None,
            }
        }
    }

    fn escape(&mut self) -> Option<String> {
        let sample = match self.next()? {
            'd' | 'w' => "0",
            'D' | 'S' => "a",
            'W' => "-",
            's' => " ",
            'b' | 'B' | 'A' | 'z' => "",
            // A Unicode class (`\p{L}`, `\pN`): a letter or a digit is tried, and the caller's
            // check against the pattern tells whether it was one.
            class @ ('p' | 'P') => {
                let negated = class == 'P';
                if self.eat('{') {
                    while self.next()? != '}' {}
                } else {
                    self.next()?;
                }
                return Some(if negated { "-" } else { "a" }.into());
            }
            letter @ ('x' | 'u' | 'U') => return self.code_point(letter).map(String::from),
            c if c.is_ascii_punctuation() => return Some(c.into()),
            _ => return None,
        };
        Some(sample.into())
    }

    /// The code point of `\x7F`, `\x{10FFFF}`, `\u007F`, `\u{7F}` or `\U0000007F` (its
    /// `letter` read).
    fn code_point(&mut self, letter: char) -> Option<char> {
        let digits: String = if self.eat('{') {
            let digits = self.rest.split('}').next()?.to_owned();
            self.rest = &self.rest[digits.len()..];
            self.eat('}').then_some(digits)?
        } else {
            let length = match letter {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let digits: String = self.rest.chars().take(length).collect();
            self.rest = &self.rest[digits.len()..];
            digits
        };
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
    }

    /// `[...]` (its `[` read): the first character it allows, other than `/`.
    fn class(&mut self) -> Option<char> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        // A `]` right after the opening is a literal.
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = match c {
                '\\' => match self.next()? {
                    'd' => ClassItem::Digit,
                    'w' => ClassItem::Word,
                    's' => ClassItem::Space,
                    c if c.is_ascii_punctuation() => ClassItem::Range(c, c),
                    _ => return None,
                },
                '[' if self.peek() == Some(':') => return None,
                c => ClassItem::Range(c, c),
            };
            let item = match low {
                ClassItem::Range(low, _)
                    if self.rest.starts_with('-') && !self.rest.starts_with("-]") =>
                {
                    self.next();
                    let high = match self.next()? {
                        '\\' => self.next().filter(char::is_ascii_punctuation)?,
                        high => high,
                    };
                    ClassItem::Range(low, high)
                }
                item => item,
            };
            items.push(item);
        }
        let allowed = |c: char| items.iter().any(|item| item.contains(c)) != negated;
        let mut candidates = items
            .iter()
            .filter_map(ClassItem::first)
            .chain(CANDIDATES.iter().copied());
        candidates.find(|&c| c != '/' && allowed(c))
    }
}

/// What a group's opening says.
enum Group {
    /// A group with something to match: `(..)`, `(?:..)`, `(?P<name>..)`, `(?i:..)`.
    Capturing,
    /// `(?i)` and the like: flags for what follows, nothing to match.
    FlagsOnly,
}

/// One item of a character class.
enum ClassItem {
    Range(char, char),
    Digit,
    Word,
    Space,
}

impl ClassItem {
    fn contains(&self, c: char) -> bool {
        match *self {
            ClassItem::Range(low, high) => (low..=high).contains(&c),
            ClassItem::Digit => c.is_ascii_digit(),
            ClassItem::Word => c.is_ascii_alphanumeric() || c == '_',
            ClassItem::Space => c.is_ascii_whitespace(),
        }
    }

    fn first(&self) -> Option<char> {
        match *self {
            ClassItem::Range(low, _) => Some(low),
            ClassItem::Digit => Some('0'),
            ClassItem::Word => Some('a'),
            ClassItem::Space => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::dev::ResourceDef;

    use super::sample_path;

    /// Every sample the module builds is one the router's own pattern matches.
    #[test]
    fn samples_match_the_patterns_they_are_built_for() {
        for pattern in [
            "/items",
            "",
            "/items/{id}",
            "/files/{tail}*",
            "/items/{id:[0-9]{3}}",
            "/u/{id:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}",
            "/{version:v[0-9]+}/x",
            "/{lang:(en|fr)}/about",
            "/{slug:[^/]+}.html",
            "/{name:\\w+}/{n:\\d*}",
            "/{code:[A-Z]{2,3}}",
            "/{x:(?:ab)+c?}",
            "/{x:(?P<inner>[a-z])z}",
            "/{x:[^a-z0-9]}",
            "/{x:[\\-.]}",
            "/{a}/{b:[1-9][0-9]*}/{c}",
            "/{x:(?i)[a-f0-9]{24}}",
            "/{x:(?i:ab)c}",
            r"/{x:\x41\u{42}}",
            "/{x:(?:(?:(?:a{1000}){1000}){1000}){0}b}",
        ] {
            let sample = sample_path(pattern, "0").expect(pattern);
            assert!(
                ResourceDef::new(pattern).is_match(&sample),
                "{pattern}: {sample}"
            );
        }
    }

    #[test]
    fn syntax_it_does_not_read_gives_no_sample() {
        assert_eq!(sample_path("/{x:[[:alpha:]]}", "0"), None);
        assert_eq!(sample_path("/{x:(?z)a}", "0"), None);
    }

    /// A regex whose shortest match is longer than any path has no sample, and building it costs
    /// no more than the longest sample.
    #[test]
    fn a_huge_sample_is_not_built() {
        assert_eq!(sample_path("/{x:(?:(?:a{1000}){1000}){1000}}", "0"), None);
    }
}
