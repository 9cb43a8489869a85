//! The simulator's state: numbers, their keys, webhooks, templates, messages and faults.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Instant;

use rand::distr::{Alphanumeric, SampleString};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::faults::Fault;
use crate::uploads::{MediaFile, UploadSession};
use crate::{SeededNumber, SimConfig};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct WebhookConfig {
    pub url: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

/// An extra webhook destination (`/multi_webhook`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Destination {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MultiWebhook {
    pub enabled: bool,
    pub destinations: Vec<Destination>,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub language: String,
    pub category: String,
    pub components: Value,
    pub parameter_format: String,
    /// Upper case: PENDING, APPROVED, REJECTED, PAUSED, DISABLED.
    pub status: String,
    pub rejected_reason: String,
    pub created: Instant,
    /// Set when an admin forced the status: review no longer changes it.
    pub forced: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeliveryRecord {
    pub kind: String,
    pub wamid: Option<String>,
    pub status: Option<String>,
    pub attempts: u32,
    pub delivered: bool,
    pub last_http_status: Option<u16>,
}

#[derive(Debug)]
pub struct Number {
    pub display_phone_number: String,
    pub phone_number_id: String,
    pub waba_id: String,
    pub business_id: String,
    pub key: String,
    pub retired_keys: Vec<String>,
    pub webhook: Option<WebhookConfig>,
    pub multi: MultiWebhook,
    pub templates: Vec<Template>,
    /// wa_id → when the user last wrote (opens the 24-hour window).
    pub last_inbound: HashMap<String, Instant>,
    /// wamids of messages received from users (valid targets for mark-as-read).
    pub inbound_ids: Vec<String>,
    pub sent: u64,
    pub health: String,
    pub deliveries: Vec<DeliveryRecord>,
    /// The business profile's fields as last set (`/whatsapp_business_profile`).
    pub profile: serde_json::Map<String, Value>,
    /// `/conversational_automation`: enable_welcome_message, prompts, commands.
    pub automation: Value,
    /// wa_ids on the block list.
    pub blocked: Vec<String>,
}

/// Behaviour that can change while the simulator runs (`/_sim/settings`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Settings {
    pub new_key_clears_webhook: bool,
}

pub struct Inner {
    pub numbers: Vec<Number>,
    pub faults: Vec<Fault>,
    pub settings: Settings,
    /// The partner account every number's channel belongs to (the Partner API).
    pub partner: crate::partner::Partner,
    /// Resumable-upload sessions by id (without `upload:` and the signature).
    pub uploads: HashMap<String, UploadSession>,
    /// Files uploaded with `POST /media`.
    pub media: Vec<MediaFile>,
    rng: StdRng,
}

impl Inner {
    pub fn number_by_key(&self, key: &str) -> Option<usize> {
        self.numbers.iter().position(|n| n.key == key)
    }

    pub fn number_by_id(&self, phone_number_id: &str) -> Option<usize> {
        self.numbers
            .iter()
            .position(|n| n.phone_number_id == phone_number_id)
    }

    pub fn new_key(&mut self) -> String {
        Alphanumeric.sample_string(&mut self.rng, 32)
    }

    /// A short random id with `suffix` (360dialog's partner, client and channel ids look so).
    pub fn new_short_id(&mut self, suffix: &str) -> String {
        format!("{}{suffix}", Alphanumeric.sample_string(&mut self.rng, 8))
    }

    /// What generating a new API key does: the old key stops working at once, and with
    /// `new_key_clears_webhook` the number's webhook is gone too. Returns the key and whether
    /// the webhook was cleared.
    pub fn issue_key(&mut self, idx: usize) -> (String, bool) {
        let key = self.new_key();
        let clears = self.settings.new_key_clears_webhook;
        let n = &mut self.numbers[idx];
        let old = std::mem::replace(&mut n.key, key.clone());
        n.retired_keys.push(old);
        if clears {
            n.webhook = None;
        }
        (key, clears)
    }

    pub fn new_wamid(&mut self) -> String {
        format!(
            "wamid.HBgL{}",
            Alphanumeric.sample_string(&mut self.rng, 40)
        )
    }

    pub fn new_numeric_id(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|i| {
                let lo = if i == 0 { 1 } else { 0 };
                char::from(b'0' + self.rng.random_range(lo..10u8))
            })
            .collect()
    }
}

pub struct Sim {
    pub config: SimConfig,
    pub inner: Mutex<Inner>,
    pub http: reqwest::Client,
}

impl Sim {
    pub fn new(config: SimConfig) -> Self {
        let rng = match config.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        let mut inner = Inner {
            numbers: Vec::new(),
            faults: Vec::new(),
            settings: Settings {
                new_key_clears_webhook: config.new_key_clears_webhook,
            },
            partner: crate::partner::Partner::default(),
            uploads: HashMap::new(),
            media: Vec::new(),
            rng,
        };
        for i in 0..config.numbers {
            let key = inner.new_key();
            let number = Number {
                display_phone_number: format!("1555{:07}", 100 + i),
                phone_number_id: inner.new_numeric_id(15),
                waba_id: inner.new_numeric_id(15),
                business_id: inner.new_numeric_id(15),
                key,
                retired_keys: Vec::new(),
                webhook: None,
                multi: MultiWebhook::default(),
                templates: Vec::new(),
                last_inbound: HashMap::new(),
                inbound_ids: Vec::new(),
                sent: 0,
                health: "AVAILABLE".to_string(),
                deliveries: Vec::new(),
                profile: serde_json::Map::new(),
                automation: serde_json::json!({
                    "enable_welcome_message": false, "prompts": [], "commands": []
                }),
                blocked: Vec::new(),
            };
            inner.numbers.push(number);
        }
        inner.partner = crate::partner::Partner::seeded(&mut inner);
        let http = reqwest::Client::builder()
            .timeout(config.webhook_timeout)
            .build()
            .expect("webhook HTTP client");
        Self {
            config,
            inner: Mutex::new(inner),
            http,
        }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn seeded_numbers(&self) -> Vec<SeededNumber> {
        self.lock()
            .numbers
            .iter()
            .map(|n| SeededNumber {
                display_phone_number: n.display_phone_number.clone(),
                phone_number_id: n.phone_number_id.clone(),
                waba_id: n.waba_id.clone(),
                api_key: n.key.clone(),
            })
            .collect()
    }

    /// Applies the review rule to templates whose review delay has passed.
    pub fn settle_reviews(&self, number: &mut Number) {
        for t in number.templates.iter_mut() {
            if t.status == "PENDING" && !t.forced && t.created.elapsed() >= self.config.review_delay
            {
                if t.name.starts_with("reject") {
                    t.status = "REJECTED".to_string();
                    t.rejected_reason = "INVALID_FORMAT".to_string();
                } else {
                    t.status = "APPROVED".to_string();
                }
            }
        }
    }
}
