//! [`Sensitive`] wraps a secret in memory: its `Debug`/`Display` print a mask and it cannot be
//! serialised, so it can come in from the UI but never go back out. A leaf: it imports nothing
//! of the core.

use std::fmt;

use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};

/// A secret value. Never printed, never serialised; read it with [`Sensitive::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself. Every call site is a place the secret leaves this wrapper.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl Sensitive<String> {
    /// `…` plus the last 4 characters: what the UI may show.
    pub fn mask(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() <= 8 {
            return "••••".to_string();
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("••••{tail}")
    }

    /// First 8 hex digits of the SHA-256 of the secret: identifies a key in the audit trail
    /// without revealing it.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        digest[..4].iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(<redacted>)")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        T::deserialize(d).map(Sensitive)
    }
}
