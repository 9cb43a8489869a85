//! `wabadesk postman export`: a number's Postman collection and environment.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;
use wabadesk_core::postman::{KEY_WARNING, SAMPLE_FILE};
use wabadesk_core::Error;

use crate::common::{open, Output};

#[derive(Subcommand, Debug)]
pub enum PostmanCmd {
    /// Write a number's collection (v2.1), environment and the sample file its upload requests
    /// send into a folder. The API key stays out unless --include-key is given.
    Export {
        /// Number (phone or label).
        number: String,
        /// The folder to write into (created when missing).
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        /// Put the API key into the environment file, in plain text.
        #[arg(long)]
        include_key: bool,
    },
}

pub fn run(data_dir: &Path, cmd: PostmanCmd) -> Result<Output, Error> {
    let core = open(data_dir)?;
    match cmd {
        PostmanCmd::Export {
            number,
            out,
            include_key,
        } => {
            let id = core.resolve_number(&number)?.id;
            std::fs::create_dir_all(&out).map_err(Error::io(&out))?;
            if include_key {
                eprintln!("warning: {KEY_WARNING}");
            }
            let e = core.write_postman_export(id, include_key, &out)?;
            let collection = out.join(&e.collection_file);
            let environment = out.join(&e.environment_file);
            let mut text = format!(
                "wrote {}\nwrote {}\nwrote {}",
                collection.display(),
                environment.display(),
                out.join(SAMPLE_FILE).display()
            );
            if !e.key_included {
                text.push_str(
                    "\nthe environment's api_key is empty: set it in Postman (a secret variable)",
                );
            }
            for s in &e.skipped {
                text.push_str(&format!("\nleft out: {s}"));
            }
            Output::ok(
                &json!({
                    "collection": collection,
                    "environment": environment,
                    "sample": out.join(SAMPLE_FILE),
                    "key_included": e.key_included,
                    "skipped": e.skipped,
                }),
                text,
            )
        }
    }
}
