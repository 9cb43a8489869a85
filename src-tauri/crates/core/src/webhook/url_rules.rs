//! 360dialog's rules for webhook URLs and custom headers, checked before anything is sent.

use std::collections::BTreeMap;

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

/// Checks custom webhook headers: names are HTTP tokens without '_' (360dialog rejects
/// underscores in headers), values are visible text without line breaks.
pub fn check_headers(headers: &BTreeMap<String, String>) -> Result<()> {
    if headers.len() > 10 {
        return Err(invalid("at most 10 custom headers"));
    }
    for (name, value) in headers {
        if name.is_empty() {
            return Err(invalid("a header name is empty"));
        }
        if name.contains('_') {
            return Err(invalid(format!(
                "header '{name}': 360dialog does not accept '_' in header names; use '-'"
            )));
        }
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^`|~".contains(c);
        if !name.chars().all(token) {
            return Err(invalid(format!(
                "header '{name}': a header name has only letters, digits and -"
            )));
        }
        if value
            .chars()
            .any(|c| c == '\r' || c == '\n' || (c.is_control() && c != '\t'))
        {
            return Err(invalid(format!(
                "header '{name}': the value must not contain line breaks"
            )));
        }
        if value.len() > 1024 {
            return Err(invalid(format!(
                "header '{name}': the value is longer than 1024 characters"
            )));
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
