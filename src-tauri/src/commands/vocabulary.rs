//! The contact parser, for checking a phone number at the field. (The domain's closed lists
//! reach the UI as generated bindings: `ui/src/lib/ipc/bindings/vocabulary.generated.ts`.)

use tauri::State;
use wabadesk_core::contact::Contact;

use crate::{AppState, IpcError};

/// A contact's phone number as every send and lookup reads it, for checking at the field. Off
/// the main thread: in the first moments it may wait for the profile to open.
#[tauri::command(async)]
pub fn parse_contact(state: State<'_, AppState>, input: String) -> Result<Contact, IpcError> {
    Ok(state.core().parse_contact(&input)?)
}
