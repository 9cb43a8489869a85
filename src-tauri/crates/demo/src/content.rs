//! What the demo profile contains: its numbers, templates, sent messages and a conversation.

use serde_json::{json, Value};

/// Labels of the demo numbers, in the order of the simulator's numbers.
pub const LABELS: [&str; 2] = ["Demo Support", "Demo Sales"];

/// A template of the demo library and whether the demo approves it at once (as Meta's
/// reviewers would) or leaves it to the simulator's review delay.
pub struct DemoTemplate {
    pub body: Value,
    pub approve_now: bool,
}

impl DemoTemplate {
    pub fn name(&self) -> &str {
        self.body["name"].as_str().unwrap_or_default()
    }

    pub fn language(&self) -> &str {
        self.body["language"].as_str().unwrap_or_default()
    }
}

/// The approved template with body variables, in English and German.
pub const ORDER_TEMPLATE: &str = "order_update";
/// The template left pending until the simulator's review approves it.
pub const PENDING_TEMPLATE: &str = "welcome_message";

fn order_update(language: &str, text: &str, footer: &str) -> Value {
    json!({
        "name": ORDER_TEMPLATE,
        "category": "UTILITY",
        "language": language,
        "components": [
            {"type": "BODY", "text": text, "example": {"body_text": [["Ana", "A-1001"]]}},
            {"type": "FOOTER", "text": footer}
        ]
    })
}

/// Every number gets the same library.
pub fn templates() -> Vec<DemoTemplate> {
    vec![
        DemoTemplate {
            body: order_update(
                "en_US",
                "Hi {{1}}, your order {{2}} is on its way. We will let you know when it arrives.",
                "WABA Desk demo",
            ),
            approve_now: true,
        },
        DemoTemplate {
            body: order_update(
                "de_DE",
                "Hallo {{1}}, Ihre Bestellung {{2}} ist unterwegs. Wir melden uns, sobald sie ankommt.",
                "WABA Desk Demo",
            ),
            approve_now: true,
        },
        DemoTemplate {
            body: json!({
                "name": "spring_offer",
                "category": "MARKETING",
                "language": "en_US",
                "components": [
                    {"type": "HEADER", "format": "IMAGE",
                     "example": {"header_handle": ["4::aW1hZ2UvanBlZw==:demo-spring-offer"]}},
                    {"type": "BODY", "text": "Spring sale: {{1}} off everything until Sunday. See you soon!",
                     "example": {"body_text": [["20%"]]}},
                    {"type": "FOOTER", "text": "Reply STOP to opt out"},
                    {"type": "BUTTONS", "buttons": [
                        {"type": "URL", "text": "Shop now", "url": "https://shop.example.com/spring"}
                    ]}
                ]
            }),
            approve_now: true,
        },
        DemoTemplate {
            body: json!({
                "name": PENDING_TEMPLATE,
                "category": "UTILITY",
                "language": "en_US",
                "components": [
                    {"type": "BODY", "text": "Welcome to our WhatsApp service! Reply to this message to reach our team."}
                ]
            }),
            approve_now: false,
        },
    ]
}

/// A message of the seeded history: a template to a recipient whose number decides its fate
/// in the simulator (ending 0000: failed, 1111: delivered but never read, else read).
pub struct SeedSend {
    pub to: &'static str,
    pub language: &'static str,
    pub name: &'static str,
    pub order: &'static str,
}

pub const SENDS: [SeedSend; 4] = [
    SeedSend {
        to: "+4915112345678",
        language: "en_US",
        name: "Ana",
        order: "A-1001",
    },
    SeedSend {
        to: "+4915112341111",
        language: "en_US",
        name: "Ben",
        order: "A-1002",
    },
    SeedSend {
        to: "+4915112340000",
        language: "en_US",
        name: "Chris",
        order: "A-1003",
    },
    SeedSend {
        to: "+4917699887766",
        language: "de_DE",
        name: "Dana",
        order: "A-1004",
    },
];

/// The customer who writes in, opening a 24-hour window with the first demo number.
pub const CUSTOMER: &str = "+4917612345678";
pub const CUSTOMER_NAME: &str = "Lena Fischer";
pub const CUSTOMER_TEXT: &str = "Hi! Is my order A-1001 on its way?";
pub const REPLY_TEXT: &str =
    "Hi Lena, yes: it left our warehouse this morning and should arrive tomorrow.";
