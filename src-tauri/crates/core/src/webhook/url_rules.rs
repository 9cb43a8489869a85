//! 360dialog's rules for webhook URLs and custom headers, checked before anything is sent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::Environment;
use crate::{Error, Result};

/// Longest webhook URL accepted.
pub const MAX_URL_LEN: usize = 2000;

pub(super) fn invalid(reason: impl Into<String>) -> Error {
    Error::Validation(reason.into())
}

/// Checks a webhook URL against 360dialog's rules (reference §2.4). Returns the URL as it will
/// be sent (IDN hosts in punycode), or the exact reason it is refused.
pub fn check_url(raw: &str) -> Result<String> {
    if raw.is_empty() {
        return Err(invalid("enter the webhook URL"));
    }
    if raw.chars().any(char::is_whitespace) {
        return Err(invalid(
            "the URL contains whitespace; remove spaces and line breaks",
        ));
    }
    if raw.chars().any(char::is_control) {
        return Err(invalid("the URL contains control characters"));
    }
    if raw.chars().count() > MAX_URL_LEN {
        return Err(invalid(format!(
            "the URL is longer than {MAX_URL_LEN} characters"
        )));
    }
    let (scheme, rest) = raw
        .split_once("://")
        .ok_or_else(|| invalid("the URL must start with https://"))?;
    if !scheme.eq_ignore_ascii_case("https") {
        return Err(invalid(format!(
            "360dialog only calls https:// webhooks (with a valid certificate), not {scheme}://"
        )));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid(
            "the URL must not contain a user name or password; use a header for authentication",
        ));
    }
    let host = if authority.starts_with('[') {
        return Err(invalid(
            "use a host name, not an IP address, so the certificate can be valid",
        ));
    } else {
        match authority.rsplit_once(':') {
            Some((_, _)) => {
                return Err(invalid(
                    "360dialog does not accept a port in webhook URLs (not even :443); serve the webhook on the default HTTPS port",
                ))
            }
            None => authority,
        }
    };
    if host.is_empty() {
        return Err(invalid("the URL has no host name"));
    }
    if host.contains('_') {
        return Err(invalid(
            "360dialog does not accept '_' in the host name or any subdomain; underscores are fine in the path",
        ));
    }
    if raw.contains('#') {
        return Err(invalid(
            "remove the #fragment: it is never sent to the server",
        ));
    }
    let url = url::Url::parse(raw).map_err(|e| invalid(format!("not a valid URL: {e}")))?;
    // The parser's view decides (it reads `\` as `/`, for one): check its parts again.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "the URL must not contain a user name or password; use a header for authentication",
        ));
    }
    if url.port().is_some() {
        return Err(invalid(
            "360dialog does not accept a port in webhook URLs (not even :443); serve the webhook on the default HTTPS port",
        ));
    }
    let ascii_host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_string(),
        Some(_) => {
            return Err(invalid(
                "use a host name, not an IP address, so the certificate can be valid",
            ))
        }
        None => return Err(invalid("the URL has no host name")),
    };
    let labels: Vec<&str> = ascii_host.trim_end_matches('.').split('.').collect();
    if labels.len() < 2 {
        return Err(invalid(format!(
            "'{host}' is not a public host name; 360dialog must reach it on the internet (expose a local receiver through a tunnel or reverse proxy)"
        )));
    }
    if ascii_host.len() > 253 {
        return Err(invalid("the host name is longer than 253 characters"));
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err(invalid(
                "each part of the host name must have 1 to 63 characters",
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(invalid(format!(
                "host name part '{label}' must not start or end with '-'"
            )));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(invalid(format!(
                "host name part '{label}' has characters a host name cannot have"
            )));
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(invalid(
            "use a host name, not an IP address, so the certificate can be valid",
        ));
    }
    // Non-ASCII characters are sent percent-encoded (and hosts in punycode): the limit holds
    // for what is sent.
    let sent = url.to_string();
    if sent.len() > MAX_URL_LEN {
        return Err(invalid(format!(
            "the URL is longer than {MAX_URL_LEN} characters once encoded for sending ({} characters)",
            sent.len()
        )));
    }
    Ok(sent)
}

/// Checks a webhook URL for a number in `environment`. The local simulator accepts what
/// 360dialog never would: plain `http://` to this computer (`127.0.0.1`, `[::1]` or
/// `localhost`) with a port, so its webhooks reach a receiver on this machine. Any other URL,
/// and every URL for the other environments, follows 360dialog's rules ([`check_url`]).
pub fn check_url_for(raw: &str, environment: Environment) -> Result<String> {
    if environment == Environment::Simulator {
        if let Some(url) = local_loop_url(raw) {
            return Ok(url);
        }
    }
    check_url(raw)
}

/// `raw` as sent when it is an `http://` URL on a loopback host with an explicit port, without
/// credentials, fragment or whitespace; `None` for anything else.
fn local_loop_url(raw: &str) -> Option<String> {
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) || raw.contains('#') {
        return None;
    }
    if raw.chars().count() > MAX_URL_LEN {
        return None;
    }
    let (scheme, _) = raw.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") {
        return None;
    }
    let url = url::Url::parse(raw).ok()?;
    if !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    url.port()?;
    let loopback = match url.host()? {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    loopback.then(|| url.to_string())
}

/// At most this many custom headers on a webhook (360dialog).
pub const MAX_HEADERS: usize = 10;

/// One header row as the user types it: the name and value may still be empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HeaderRow {
    pub name: String,
    pub value: String,
}

/// Why a row's name and why its value is refused; `None` where it is fine.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HeaderProblem {
    pub name: Option<String>,
    pub value: Option<String>,
}

/// 360dialog's header rules applied to rows as typed, one answer per row, with the count limit
/// the form offers. The same rules `check_headers` applies on save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HeaderCheck {
    pub problems: Vec<HeaderProblem>,
    pub max: u32,
}

fn name_problem(name: &str, value: &str) -> Option<String> {
    let n = name.trim();
    if n.is_empty() {
        return (!value.is_empty()).then(|| "give the header a name".to_string());
    }
    if n.contains('_') {
        return Some("360dialog does not accept '_' in header names; use '-'".into());
    }
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^`|~".contains(c);
    if !n.chars().all(token) {
        return Some("a header name has only letters, digits and -".into());
    }
    None
}

fn value_problem(value: &str) -> Option<String> {
    if value
        .chars()
        .any(|c| c == '\r' || c == '\n' || (c.is_control() && c != '\t'))
    {
        return Some("the value must not contain line breaks".into());
    }
    if value.len() > 1024 {
        return Some("the value is longer than 1024 characters".into());
    }
    None
}

/// Checks header rows as the user types them: each row's name and value, a name set twice
/// (names are case-insensitive) and the count. A row with an empty name and value is fine
/// (it is dropped on save).
pub fn header_problems(rows: &[HeaderRow]) -> HeaderCheck {
    let mut seen = std::collections::HashSet::new();
    let problems = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut name = name_problem(&r.name, &r.value);
            let key = r.name.trim().to_ascii_lowercase();
            if name.is_none() && !key.is_empty() && !seen.insert(key) {
                name = Some("this header is set twice".into());
            }
            if name.is_none() && i >= MAX_HEADERS {
                name = Some(format!("at most {MAX_HEADERS} custom headers"));
            }
            HeaderProblem {
                name,
                value: value_problem(&r.value),
            }
        })
        .collect();
    HeaderCheck {
        problems,
        max: MAX_HEADERS as u32,
    }
}

/// Checks custom webhook headers against 360dialog's rules before they are saved or sent; the
/// first problem found, naming its header.
pub fn check_headers(headers: &BTreeMap<String, String>) -> Result<()> {
    if headers.len() > MAX_HEADERS {
        return Err(invalid(format!("at most {MAX_HEADERS} custom headers")));
    }
    if headers.keys().any(|k| k.trim().is_empty()) {
        return Err(invalid("a header name is empty"));
    }
    let rows: Vec<HeaderRow> = headers
        .iter()
        .map(|(name, value)| HeaderRow {
            name: name.clone(),
            value: value.clone(),
        })
        .collect();
    let check = header_problems(&rows);
    for (row, p) in rows.iter().zip(check.problems) {
        if let Some(reason) = p.name.or(p.value) {
            return Err(invalid(format!("header '{}': {reason}", row.name)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::plain("https://hooks.example.com/whatsapp")]
    #[case::root("https://hooks.example.com")]
    #[case::root_slash("https://hooks.example.com/")]
    #[case::underscore_in_path("https://hooks.example.com/wa_hook/in_bound")]
    #[case::underscore_in_query("https://hooks.example.com/hook?number_id=1&x_y=2")]
    #[case::deep_subdomain("https://a.b.c.hooks.example.co.uk/x")]
    #[case::hyphen_host("https://my-hooks.example-company.com/x")]
    #[case::digits_host("https://api2.example123.com/x")]
    #[case::uppercase_scheme("HTTPS://hooks.example.com/x")]
    #[case::uppercase_host("https://Hooks.Example.COM/x")]
    #[case::idn_host("https://bücher.example.de/webhook")]
    #[case::punycode_host("https://xn--bcher-kva.example.de/webhook")]
    #[case::percent_path("https://hooks.example.com/a%20b")]
    #[case::long_path_ok(
        "https://hooks.example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    )]
    #[case::trailing_dot("https://hooks.example.com./x")]
    #[case::ngrok_style("https://3f2a-81-2-69-160.ngrok-free.app/webhook")]
    #[case::query_only("https://hooks.example.com?token=abc")]
    fn accepted(#[case] url: &str) {
        check_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    }

    #[rstest]
    #[case::empty("", "enter the webhook URL")]
    #[case::http("http://hooks.example.com/x", "only calls https://")]
    #[case::ftp("ftp://hooks.example.com/x", "only calls https://")]
    #[case::no_scheme("hooks.example.com/x", "must start with https://")]
    #[case::underscore_host("https://my_hooks.example.com/x", "'_' in the host name")]
    #[case::underscore_subdomain("https://a.my_sub.example.com/x", "'_' in the host name")]
    #[case::underscore_with_port("https://subdomain.your_webhook.example.com:3000", "port")]
    #[case::port_443("https://hooks.example.com:443/x", "not even :443")]
    #[case::port_8443("https://hooks.example.com:8443/x", "port")]
    #[case::empty_port("https://hooks.example.com:/x", "port")]
    #[case::credentials("https://user:pass@hooks.example.com/x", "user name or password")]
    #[case::user_only("https://user@hooks.example.com/x", "user name or password")]
    #[case::leading_space(" https://hooks.example.com/x", "whitespace")]
    #[case::trailing_newline("https://hooks.example.com/x\n", "whitespace")]
    #[case::inner_space("https://hooks.example.com/a b", "whitespace")]
    #[case::tab("https://hooks.example.com/\tx", "whitespace")]
    #[case::localhost("https://localhost/x", "not a public host name")]
    #[case::single_label("https://intranet/x", "not a public host name")]
    #[case::ipv4("https://203.0.113.7/x", "not an IP address")]
    #[case::ipv6("https://[2001:db8::1]/x", "not an IP address")]
    #[case::fragment("https://hooks.example.com/x#part", "#fragment")]
    #[case::leading_hyphen("https://-hooks.example.com/x", "must not start or end with '-'")]
    #[case::trailing_hyphen("https://hooks-.example.com/x", "must not start or end with '-'")]
    #[case::empty_label("https://hooks..example.com/x", "1 to 63 characters")]
    #[case::long_label(&format!("https://{}.example.com/x", "a".repeat(64)), "1 to 63 characters")]
    #[case::too_long(&format!("https://hooks.example.com/{}", "a".repeat(2000)), "longer than 2000")]
    // 700 characters, 2,100 once percent-encoded (found by fuzzing).
    #[case::backslash_hides_a_user(r"https://\/:x@hooks.example.com/", "user name or password")]
    #[case::control_character("https://hooks.example.com/\u{0}", "control characters")]
    #[case::too_long_once_encoded(&format!("https://hooks.example.com/{}", "ü".repeat(350)), "once encoded for sending")]
    #[case::no_host("https:///x", "no host name")]
    #[case::bad_char_host("https://hooks!.example.com/x", "characters a host name cannot have")]
    fn refused_with_reason(#[case] url: &str, #[case] reason: &str) {
        let err = check_url(url).expect_err(url);
        assert_eq!(err.code(), crate::ErrorCode::Validation);
        assert!(
            err.to_string().contains(reason),
            "{url}: got '{err}', want '{reason}'"
        );
    }

    #[test]
    fn idn_is_sent_as_punycode() {
        assert_eq!(
            check_url("https://bücher.example.de/w").unwrap(),
            "https://xn--bcher-kva.example.de/w"
        );
    }

    #[rstest]
    #[case::inbox("http://127.0.0.1:8377/webhook")]
    #[case::other_loopback("http://127.0.0.2:9000/")]
    #[case::localhost("http://localhost:8377/webhook")]
    #[case::ipv6_loopback("http://[::1]:8377/webhook")]
    fn the_simulator_accepts_loopback_http_with_a_port(#[case] url: &str) {
        let sent =
            check_url_for(url, Environment::Simulator).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(
            url::Url::parse(&sent).unwrap(),
            url::Url::parse(url).unwrap()
        );
        for env in [Environment::Production, Environment::Sandbox] {
            let err = check_url_for(url, env).expect_err(url);
            assert_eq!(err.code(), crate::ErrorCode::Validation, "{url} in {env:?}");
        }
    }

    #[rstest]
    #[case::no_port("http://127.0.0.1/webhook", "only calls https://")]
    #[case::not_loopback("http://192.168.1.20:8377/webhook", "only calls https://")]
    #[case::public_host("http://hooks.example.com:8080/x", "only calls https://")]
    #[case::credentials("http://u:p@127.0.0.1:8377/x", "only calls https://")]
    #[case::fragment("http://127.0.0.1:8377/x#f", "only calls https://")]
    #[case::https_loopback_port("https://127.0.0.1:8377/x", "port")]
    fn the_simulator_keeps_the_other_rules(#[case] url: &str, #[case] reason: &str) {
        let err = check_url_for(url, Environment::Simulator).expect_err(url);
        assert!(err.to_string().contains(reason), "{url}: {err}");
    }

    #[test]
    fn public_urls_follow_the_same_rules_in_every_environment() {
        for env in [
            Environment::Production,
            Environment::Sandbox,
            Environment::Simulator,
        ] {
            assert_eq!(
                check_url_for("https://bücher.example.de/w", env).unwrap(),
                "https://xn--bcher-kva.example.de/w"
            );
            assert!(check_url_for("https://my_hooks.example.com/x", env).is_err());
        }
    }

    fn rows(pairs: &[(&str, &str)]) -> Vec<HeaderRow> {
        pairs
            .iter()
            .map(|(n, v)| HeaderRow {
                name: n.to_string(),
                value: v.to_string(),
            })
            .collect()
    }

    #[rstest]
    #[case::fine("X-Token", None)]
    #[case::underscore(
        "X_Token",
        Some("360dialog does not accept '_' in header names; use '-'")
    )]
    #[case::space("X Token", Some("a header name has only letters, digits and -"))]
    #[case::unicode("X-Tökén", Some("a header name has only letters, digits and -"))]
    fn a_row_name_is_checked_as_typed(#[case] name: &str, #[case] want: Option<&str>) {
        let check = header_problems(&rows(&[(name, "v")]));
        assert_eq!(check.problems[0].name.as_deref(), want);
        assert_eq!(check.max, 10);
    }

    #[test]
    fn row_values_blank_rows_duplicates_and_the_count() {
        let p = |pairs: &[(&str, &str)]| header_problems(&rows(pairs)).problems;
        assert_eq!(p(&[("A", "Bearer abc\tdef")])[0], HeaderProblem::default());
        assert_eq!(
            p(&[("A", "abc\r\nX-Evil: 1")])[0].value.as_deref(),
            Some("the value must not contain line breaks")
        );
        let long = "x".repeat(1025);
        assert_eq!(
            p(&[("A", long.as_str())])[0].value.as_deref(),
            Some("the value is longer than 1024 characters")
        );
        assert_eq!(p(&[("", "")])[0], HeaderProblem::default());
        assert_eq!(
            p(&[(" ", "x")])[0].name.as_deref(),
            Some("give the header a name")
        );
        assert_eq!(
            p(&[("A", "1"), ("a", "2")])[1].name.as_deref(),
            Some("this header is set twice")
        );
        let names: Vec<String> = (0..11).map(|i| format!("X-{i}")).collect();
        let many: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
        let got = p(&many);
        assert!(got[..10].iter().all(|x| x.name.is_none()));
        assert_eq!(got[10].name.as_deref(), Some("at most 10 custom headers"));
    }

    #[test]
    fn saving_refuses_a_name_set_twice_in_other_case() {
        let map: BTreeMap<String, String> = [("X-Token", "a"), ("x-token", "b")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let e = check_headers(&map).unwrap_err().to_string();
        assert!(e.contains("set twice"), "{e}");
    }

    #[rstest]
    #[case::ok(&[("Authorization", "Basic abc"), ("X-Token", "t")], None)]
    #[case::underscore(&[("X_Token", "t")], Some("'_'"))]
    #[case::space(&[("X Token", "t")], Some("only letters"))]
    #[case::newline(&[("X-Token", "a\r\nInjected: 1")], Some("line breaks"))]
    #[case::empty(&[("", "t")], Some("empty"))]
    fn headers(#[case] pairs: &[(&str, &str)], #[case] reason: Option<&str>) {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        match (check_headers(&map), reason) {
            (Ok(()), None) => {}
            (Err(e), Some(r)) => assert!(e.to_string().contains(r), "{e}"),
            (r, want) => panic!("{r:?} vs {want:?}"),
        }
    }
}
