//! `doctor`: the installation's data dir, database schema and OS keyring.

use std::path::Path;

use serde::Serialize;
use wabadesk_core::info::AppInfo;
use wabadesk_core::secrets::KeyringStore;
use wabadesk_core::Error;

use crate::common::Output;

#[derive(Serialize)]
struct DoctorJson<'a> {
    ok: bool,
    #[serde(flatten)]
    info: &'a AppInfo,
}

pub fn run(data_dir: &Path) -> Result<Output, Error> {
    let info = wabadesk_core::info::doctor(data_dir, &KeyringStore::for_app());
    let out = Output::ok(
        &DoctorJson {
            ok: info.ok(),
            info: &info,
        },
        text(&info),
    )?;
    Ok(out.failed_if(!info.ok()))
}

fn text(info: &AppInfo) -> String {
    let mark = |ok: bool| if ok { "ok  " } else { "FAIL" };
    let mut s = format!(
        "WABA Desk {}\n     data dir   {}\n",
        info.version, info.data_dir
    );
    let db = &info.database;
    let version = db
        .schema_version
        .map(|v| format!("schema {v} of {}", db.latest_schema_version))
        .unwrap_or_else(|| "not opened".to_string());
    s += &format!("{} database   {} ({version})\n", mark(db.ok), db.path);
    if !db.ok {
        s += &format!("                {}\n", db.message);
    }
    let k = &info.keyring;
    s += &format!(
        "{} keyring    {}: {}\n",
        mark(k.reachable),
        k.backend,
        k.message
    );
    s
}
