//! `wabadesk://` links: what a link opens, and the window's route for it.
//!
//! - `wabadesk://number/<phone or label>`: the number's drawer on the Numbers page
//! - `wabadesk://template/<number>/<name>[/<language>]`: the template in the number's library
//! - `wabadesk://templates/new`: the template builder
//! - `wabadesk://message/<wamid>`: the message in History
//! - `wabadesk://inbox`, `wabadesk://<section>`: a section of the app

use crate::{Error, Result};

/// The scheme the desktop entry registers.
pub const SCHEME: &str = "wabadesk";

/// The sections a link may open (the sidebar's ids).
const SECTIONS: &[&str] = &[
    "numbers",
    "webhook",
    "templates",
    "send",
    "history",
    "inbox",
    "setup",
    "audit",
    "partner",
    "settings",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Number {
        number: String,
    },
    Template {
        number: String,
        name: String,
        language: Option<String>,
    },
    NewTemplate,
    Message {
        wamid: String,
    },
    Section(String),
}

/// Percent-decodes a path segment (`+` stays a plus: `+49…` is a phone number).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn bad(link: &str, why: &str) -> Error {
    Error::Validation(format!("the link {link} does not open anything: {why}"))
}

impl Link {
    /// Reads a `wabadesk://` link.
    pub fn parse(link: &str) -> Result<Link> {
        let rest = link
            .trim()
            .strip_prefix(SCHEME)
            .and_then(|r| r.strip_prefix("://"))
            .ok_or_else(|| bad(link, "it is not a wabadesk:// link"))?;
        let rest = rest.split(['?', '#']).next().unwrap_or_default();
        let parts: Vec<String> = rest
            .split('/')
            .filter(|p| !p.is_empty())
            .map(decode)
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        Ok(match parts.as_slice() {
            ["number", number] => Link::Number {
                number: number.to_string(),
            },
            ["template", number, name] => Link::Template {
                number: number.to_string(),
                name: name.to_string(),
                language: None,
            },
            ["template", number, name, language] => Link::Template {
                number: number.to_string(),
                name: name.to_string(),
                language: Some(language.to_string()),
            },
            ["templates", "new"] => Link::NewTemplate,
            ["message", wamid] => Link::Message {
                wamid: wamid.to_string(),
            },
            [section] if SECTIONS.contains(section) => Link::Section(section.to_string()),
            [] => Link::Section("numbers".into()),
            _ => {
                return Err(bad(
                    link,
                    "expected number/…, template/…, message/…, templates/new or a section",
                ))
            }
        })
    }

    /// The window's route for the link (`#/<section>?…`), which the pages read.
    pub fn route(&self) -> String {
        match self {
            Link::Number { number } => format!("#/numbers?number={}", encode(number)),
            Link::Template {
                number,
                name,
                language,
            } => {
                let mut r = format!(
                    "#/templates?number={}&name={}",
                    encode(number),
                    encode(name)
                );
                if let Some(l) = language {
                    r.push_str(&format!("&language={}", encode(l)));
                }
                r
            }
            Link::NewTemplate => "#/templates?new=1".into(),
            Link::Message { wamid } => format!("#/history?wamid={}", encode(wamid)),
            Link::Section(s) => format!("#/{s}"),
        }
    }
}

/// The first `wabadesk://` link among a command line's arguments (the desktop entry passes it
/// as `%u`).
pub fn link_in_args(args: impl IntoIterator<Item = String>) -> Option<String> {
    args.into_iter()
        .find(|a| a.starts_with(&format!("{SCHEME}://")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_link_opens_its_view() {
        let cases = [
            (
                "wabadesk://number/+4915123456789",
                "#/numbers?number=%2B4915123456789",
            ),
            (
                "wabadesk://number/Support%20DE",
                "#/numbers?number=Support+DE",
            ),
            (
                "wabadesk://template/4915123456789/order_shipped/en_US",
                "#/templates?number=4915123456789&name=order_shipped&language=en_US",
            ),
            (
                "wabadesk://template/4915123456789/order_shipped",
                "#/templates?number=4915123456789&name=order_shipped",
            ),
            ("wabadesk://templates/new", "#/templates?new=1"),
            (
                "wabadesk://message/wamid.HBgL%3D%3D",
                "#/history?wamid=wamid.HBgL%3D%3D",
            ),
            ("wabadesk://inbox", "#/inbox"),
            ("wabadesk://inbox/", "#/inbox"),
            ("wabadesk://", "#/numbers"),
        ];
        for (link, route) in cases {
            assert_eq!(Link::parse(link).unwrap().route(), route, "{link}");
        }
        assert_eq!(
            Link::parse("wabadesk://message/wamid.HBgL%3D%3D").unwrap(),
            Link::Message {
                wamid: "wamid.HBgL==".into()
            }
        );
    }

    #[test]
    fn other_links_are_refused_in_plain_words() {
        for link in [
            "https://x/number/1",
            "wabadesk://nowhere",
            "wabadesk://number",
            "wabadesk://template/1",
        ] {
            let e = Link::parse(link).unwrap_err();
            assert!(
                e.to_string().contains("does not open anything"),
                "{link}: {e}"
            );
        }
    }

    #[test]
    fn the_link_is_found_among_the_arguments() {
        let args = ["wabadesk-app", "--demo", "wabadesk://inbox"].map(String::from);
        assert_eq!(link_in_args(args).as_deref(), Some("wabadesk://inbox"));
        assert_eq!(link_in_args(["wabadesk-app".to_string()]), None);
    }
}
