//! Insights over the local history. Each command parses, calls the core, maps the error.

use tauri::State;
use wabadesk_core::insights::{Insights, InsightsChart, InsightsFilter};

use crate::{AppState, IpcError};

#[tauri::command(async)]
pub fn insights(state: State<'_, AppState>, filter: InsightsFilter) -> Result<Insights, IpcError> {
    Ok(state.core().insights(&filter)?)
}

/// Writes one chart's data as CSV to the Downloads folder; returns the file's path.
#[tauri::command(async)]
pub fn export_insights_csv(
    state: State<'_, AppState>,
    filter: InsightsFilter,
    chart: InsightsChart,
) -> Result<String, IpcError> {
    let path = state.core().export_insights_csv(&filter, chart)?;
    Ok(path.display().to_string())
}

/// Saves a chart's picture (PNG bytes drawn by the UI) to the Downloads folder; returns the
/// file's path.
#[tauri::command(async)]
pub fn save_insights_png(
    state: State<'_, AppState>,
    chart: InsightsChart,
    png: Vec<u8>,
) -> Result<String, IpcError> {
    let path = state.core().save_insights_png(chart, &png)?;
    Ok(path.display().to_string())
}
