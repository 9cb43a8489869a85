//! Partner mode: the partner account, its channels, importing them, the partner webhook, and
//! "Generate new key" for a number imported from a channel. Each command parses, calls the
//! core, maps the error.

use tauri::State;
use wabadesk_core::audit::Actor;
use wabadesk_core::partner::keygen::KeyGenerated;
use wabadesk_core::partner::{
    ChannelList, ChannelQuery, ImportOutcome, NumberChannel, PartnerAccountView, PartnerEventView,
    PartnerInput,
};
use wabadesk_core::secrets::Sensitive;

use crate::{AppState, IpcError};

#[tauri::command(async)]
pub fn partner_account(state: State<'_, AppState>) -> Result<Option<PartnerAccountView>, IpcError> {
    Ok(state.core().partner_account()?)
}

/// The partner API key comes in as `Sensitive`: never logged, serialised or sent back.
#[tauri::command]
pub async fn set_partner_account(
    state: State<'_, AppState>,
    input: PartnerInput,
    key: Sensitive<String>,
) -> Result<PartnerAccountView, IpcError> {
    Ok(state
        .core()
        .set_partner_account(input, key, Actor::Ui)
        .await?)
}

#[tauri::command]
pub async fn partner_channels(
    state: State<'_, AppState>,
    query: ChannelQuery,
) -> Result<ChannelList, IpcError> {
    Ok(state.core().partner_channels(&query).await?)
}

#[tauri::command]
pub async fn import_channels(
    state: State<'_, AppState>,
    channel_ids: Vec<String>,
) -> Result<Vec<ImportOutcome>, IpcError> {
    Ok(state
        .core()
        .import_channels(&channel_ids, Actor::Ui)
        .await?)
}

#[tauri::command]
pub async fn set_partner_webhook(
    state: State<'_, AppState>,
    url: String,
    secret: Option<Sensitive<String>>,
) -> Result<PartnerAccountView, IpcError> {
    Ok(state
        .core()
        .set_partner_webhook(&url, secret, Actor::Ui)
        .await?)
}

/// Where the running inbox takes partner events.
#[tauri::command(async)]
pub fn partner_events_url(state: State<'_, AppState>) -> Result<Option<String>, IpcError> {
    Ok(state.core().partner_events_url())
}

#[tauri::command(async)]
pub fn number_channel(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Option<NumberChannel>, IpcError> {
    Ok(state.core().number_channel(id)?)
}

#[tauri::command(async)]
pub fn partner_events(
    state: State<'_, AppState>,
    id: Option<i64>,
) -> Result<Vec<PartnerEventView>, IpcError> {
    Ok(state.core().partner_events(id)?)
}

/// Mints a new key for a number imported from a partner channel and stores it through the
/// crash-safe rotation; the key never reaches the webview.
#[tauri::command]
pub async fn generate_key(state: State<'_, AppState>, id: i64) -> Result<KeyGenerated, IpcError> {
    state
        .core()
        .generate_key(id, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}
