//! Business profile, conversational components and block list as the documentation describes
//! them: the limits, the errors, and the 24-hour rule for blocking.

use serde_json::{json, Value};
use wabadesk_sim::{start, SimConfig, SimHandle};

async fn sim() -> SimHandle {
    start("127.0.0.1:0".parse().unwrap(), SimConfig::fast())
        .await
        .unwrap()
}

async fn call(
    h: &SimHandle,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", h.base_url))
        .header("D360-API-KEY", &h.numbers[0].api_key);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// A whole file through the resumable upload (`POST /uploads`, then `POST /upload:…`): its handle.
async fn upload(h: &SimHandle, name: &str, mime: &str, bytes: &[u8]) -> String {
    let http = reqwest::Client::new();
    let key = &h.numbers[0].api_key;
    let v: Value = http
        .post(format!(
            "{}/uploads?file_name={name}&file_length={}&file_type={mime}",
            h.base_url,
            bytes.len()
        ))
        .header("D360-API-KEY", key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session = v["id"].as_str().expect("an upload session").to_string();
    let v: Value = http
        .post(format!("{}/{session}", h.base_url))
        .header("D360-API-KEY", key)
        .header("file_offset", "0")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["h"].as_str().expect("a handle").to_string()
}

fn profile(fields: Value) -> Value {
    let mut v = fields;
    v["messaging_product"] = json!("whatsapp");
    v
}

#[tokio::test]
async fn the_profile_round_trips_and_each_limit_is_refused_past_its_boundary() {
    let h = sim().await;
    let post = reqwest::Method::POST;
    let ok = profile(json!({
        "about": "a".repeat(139), "description": "d".repeat(512), "address": "x".repeat(256),
        "email": "help@example.com", "websites": ["https://example.com", "http://shop.example.com"],
        "vertical": "RETAIL"
    }));
    assert_eq!(
        call(&h, post.clone(), "/whatsapp_business_profile", Some(ok))
            .await
            .0,
        200
    );
    let (s, got) = call(
        &h,
        reqwest::Method::GET,
        "/whatsapp_business_profile?fields=about,vertical",
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(got["data"][0]["vertical"], "RETAIL");
    assert_eq!(got["data"][0]["messaging_product"], "whatsapp");
    for bad in [
        json!({"about": ""}),
        json!({"about": "a".repeat(140)}),
        json!({"description": "d".repeat(513)}),
        json!({"address": "x".repeat(257)}),
        json!({"email": "not-an-email"}),
        json!({"websites": ["https://a.com", "https://b.com", "https://c.com"]}),
        json!({"websites": ["example.com"]}),
        json!({"vertical": "CARS"}),
        json!({"vertical": "UNDEFINED"}),
    ] {
        let (s, e) = call(
            &h,
            post.clone(),
            "/whatsapp_business_profile",
            Some(profile(bad.clone())),
        )
        .await;
        assert_eq!(s, 400, "{bad}");
        assert_eq!(e["error"]["code"], 100, "{bad}: {e}");
    }
    let (s, _) = call(
        &h,
        post.clone(),
        "/whatsapp_business_profile",
        Some(json!({"about": "x"})),
    )
    .await;
    assert_eq!(s, 400, "messaging_product is required");
    // A photo is a handle of a completed resumable upload of an image, not any text.
    let (s, _) = call(
        &h,
        post.clone(),
        "/whatsapp_business_profile",
        Some(profile(json!({"profile_picture_handle": "4::abc"}))),
    )
    .await;
    assert_eq!(s, 400, "a handle no upload gave is refused");
    let handle = upload(
        &h,
        "logo.png",
        "image/png",
        &[0x89, b'P', b'N', b'G', 1, 2, 3],
    )
    .await;
    let pdf = upload(&h, "menu.pdf", "application/pdf", b"%PDF-1.4 x").await;
    let (s, e) = call(
        &h,
        post.clone(),
        "/whatsapp_business_profile",
        Some(profile(json!({ "profile_picture_handle": pdf }))),
    )
    .await;
    assert_eq!(s, 400, "a PDF is no profile photo: {e}");
    let (s, _) = call(
        &h,
        post,
        "/whatsapp_business_profile",
        Some(profile(json!({ "profile_picture_handle": handle }))),
    )
    .await;
    assert_eq!(s, 200);
    let (_, got) = call(&h, reqwest::Method::GET, "/whatsapp_business_profile", None).await;
    assert!(got["data"][0]["profile_picture_url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
}

#[tokio::test]
async fn components_have_meta_limits() {
    let h = sim().await;
    let post = reqwest::Method::POST;
    let cmd = |n: &str| json!({"command_name": n, "command_description": "does it"});
    let good = json!({"enable_welcome_message": true, "prompts": ["a".repeat(80), "b", "c", "d"],
        "commands": (0..30).map(|i| cmd(&format!("c{i}"))).collect::<Vec<_>>()});
    assert_eq!(
        call(&h, post.clone(), "/conversational_automation", Some(good))
            .await
            .0,
        200
    );
    let (_, got) = call(&h, reqwest::Method::GET, "/conversational_automation", None).await;
    assert_eq!(
        got["conversational_automation"]["enable_welcome_message"],
        true
    );
    assert_eq!(
        got["conversational_automation"]["commands"]
            .as_array()
            .unwrap()
            .len(),
        30
    );
    for bad in [
        json!({"prompts": ["a", "b", "c", "d", "e"]}),
        json!({"prompts": ["a".repeat(81)]}),
        json!({"commands": (0..31).map(|i| cmd(&format!("c{i}"))).collect::<Vec<_>>()}),
        json!({"commands": [cmd(&"n".repeat(33))]}),
        json!({"commands": [cmd("/help")]}),
        json!({"commands": [{"command_name": "help", "command_description": "d".repeat(257)}]}),
    ] {
        let (s, e) = call(
            &h,
            post.clone(),
            "/conversational_automation",
            Some(bad.clone()),
        )
        .await;
        assert_eq!(s, 400, "{bad}: {e}");
    }
    let (s, e) = call(
        &h,
        post,
        "/conversational_automation",
        Some(json!({"commands": [cmd("help"), cmd("help")]})),
    )
    .await;
    assert_eq!(s, 422);
    assert!(e["error"]["error_data"]["details"]
        .as_str()
        .unwrap()
        .contains("Duplicate"));
}

#[tokio::test]
async fn only_users_who_wrote_in_the_last_24_hours_can_be_blocked() {
    let h = sim().await;
    let admin = reqwest::Client::new();
    let id = &h.numbers[0].phone_number_id;
    admin
        .post(format!("{}/_sim/numbers/{id}/last_inbound", h.base_url))
        .json(&json!({"wa_id": "4915123456789"}))
        .send()
        .await
        .unwrap();
    admin
        .post(format!("{}/_sim/numbers/{id}/last_inbound", h.base_url))
        .json(&json!({"wa_id": "4915100000001", "age_secs": 25 * 3600}))
        .send()
        .await
        .unwrap();
    let body = |users: &[&str]| {
        json!({"messaging_product": "whatsapp",
        "block_users": users.iter().map(|u| json!({"user": u})).collect::<Vec<_>>()})
    };
    let (s, r) = call(
        &h,
        reqwest::Method::POST,
        "/block_users",
        Some(body(&["+4915123456789", "4915100000001"])),
    )
    .await;
    assert_eq!(s, 400, "a partial failure is 400 with both lists");
    assert_eq!(r["error"]["code"], 139100);
    assert_eq!(r["block_users"]["added_users"][0]["wa_id"], "4915123456789");
    assert_eq!(
        r["block_users"]["failed_users"][0]["errors"][0]["code"],
        131047
    );
    let (s, list) = call(&h, reqwest::Method::GET, "/block_users", None).await;
    assert_eq!(s, 200);
    assert_eq!(
        list["data"],
        json!([{"messaging_product": "whatsapp", "wa_id": "4915123456789"}])
    );
    let (s, r) = call(
        &h,
        reqwest::Method::DELETE,
        "/block_users",
        Some(body(&["4915123456789"])),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        r["block_users"]["removed_users"][0]["wa_id"],
        "4915123456789"
    );
    let (_, list) = call(&h, reqwest::Method::GET, "/block_users", None).await;
    assert_eq!(list["data"], json!([]));
    let many: Vec<String> = (0..1001).map(|i| format!("49151{i:08}")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let (s, r) = call(&h, reqwest::Method::POST, "/block_users", Some(body(&refs))).await;
    assert_eq!((s, r["error"]["code"].clone()), (400, json!(130429)));
}
