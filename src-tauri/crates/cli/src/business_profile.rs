//! `profile`: a number's WhatsApp business profile (about, description, address, email,
//! websites, industry). Every value is checked before anything is sent.

use std::path::Path;

use clap::Subcommand;
use wabadesk_core::api::BusinessProfileFields;
use wabadesk_core::audit::Actor;
use wabadesk_core::media::{check_sample, UploadFile, UploadProgress};
use wabadesk_core::onboarding::{BusinessProfileInput, BusinessProfileView, Vertical};
use wabadesk_core::Error;

use crate::common::{name_field, open, refuse_problems, Output};

#[derive(Subcommand, Debug)]
pub enum ProfileCmd {
    /// Read a number's business profile from 360dialog.
    Get { number: String },
    /// Change fields of a number's business profile (fields not given stay as they are; an
    /// empty value clears a field).
    Set {
        number: String,
        /// 1 to 139 characters.
        #[arg(long)]
        about: Option<String>,
        /// At most 512 characters.
        #[arg(long)]
        description: Option<String>,
        /// At most 256 characters.
        #[arg(long)]
        address: Option<String>,
        /// A valid address of at most 128 characters.
        #[arg(long)]
        email: Option<String>,
        /// A web address with http:// or https:// (at most 2; repeat the option). Replaces
        /// the websites.
        #[arg(long = "website", value_name = "URL")]
        websites: Vec<String>,
        /// The industry, one of Meta's names (RETAIL, PROF_SERVICES, …). Cannot be cleared
        /// once set.
        #[arg(long)]
        vertical: Option<String>,
        /// The profile photo: a JPEG or PNG of at most 5 MB, checked, then sent with the
        /// resumable upload (progress on stderr).
        #[arg(long, value_name = "FILE")]
        photo: Option<std::path::PathBuf>,
    },
}

fn view_text(v: &BusinessProfileView) -> String {
    let p = &v.profile;
    let show = |s: &Option<String>| {
        s.clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "(none)".into())
    };
    let mut s = String::new();
    s += &format!("about        {}\n", show(&p.about));
    s += &format!("description  {}\n", show(&p.description));
    s += &format!("address      {}\n", show(&p.address));
    s += &format!("email        {}\n", show(&p.email));
    s += &format!(
        "websites     {}\n",
        if p.websites.is_empty() {
            "(none)".to_string()
        } else {
            p.websites.join(", ")
        }
    );
    s += &format!("industry     {}\n", show(&p.vertical));
    s += &format!("photo        {}\n", show(&p.profile_picture_url));
    if v.complete {
        s += "complete     yes\n";
    } else {
        s += &format!("complete     no (still empty: {})\n", v.missing.join(", "));
    }
    s
}

pub async fn run(data_dir: &Path, cmd: ProfileCmd) -> Result<Output, Error> {
    match cmd {
        ProfileCmd::Get { number } => {
            let core = open(data_dir)?;
            let n = core.resolve_number(&number)?;
            let v = core.business_profile(n.id, Actor::Cli).await?;
            Output::ok(&v, view_text(&v))
        }
        ProfileCmd::Set {
            number,
            about,
            description,
            address,
            email,
            websites,
            vertical,
            photo,
        } => {
            let vertical = vertical
                .map(|v| {
                    Vertical::parse(&v).ok_or_else(|| {
                        let names: Vec<&str> = Vertical::ALL.iter().map(|v| v.as_str()).collect();
                        Error::Validation(format!(
                            "vertical: '{v}' is not one of Meta's industries: {}",
                            names.join(", ")
                        ))
                    })
                })
                .transpose()?;
            // The photo file is read and checked against Meta's limits before anything is sent.
            let photo = photo
                .map(|path| {
                    let file = UploadFile::read(&path)?;
                    check_sample(&file.file_name, &file.bytes, Some("IMAGE"))
                        .map_err(|e| Error::Validation(format!("photo: {e}")))?;
                    Ok::<_, Error>(file)
                })
                .transpose()?;
            let mut input = BusinessProfileInput {
                about,
                description,
                address,
                email,
                websites: (!websites.is_empty()).then_some(websites),
                vertical,
                profile_picture_handle: None,
            };
            if input == BusinessProfileInput::default() && photo.is_none() {
                return Err(Error::Validation(
                    "give at least one field to change (--about, --description, --address, --email, --website, --vertical, --photo)".into(),
                ));
            }
            let core = open(data_dir)?;
            // The limits that do not depend on the current profile, before any call.
            refuse_problems(
                &core
                    .check_business_profile(&BusinessProfileFields::default(), &input)
                    .problems,
            )?;
            let n = core.resolve_number(&number)?;
            if let Some(file) = photo {
                let progress = std::sync::Arc::new(|p: UploadProgress| {
                    let pct = (p.sent * 100).checked_div(p.total).unwrap_or(100);
                    eprint!("\ruploading the photo: {pct:>3}%");
                    if p.sent >= p.total {
                        eprintln!();
                    }
                });
                let up = core
                    .upload_sample(n.id, file, Some("IMAGE"), Actor::Cli, Some(progress))
                    .await?;
                input.profile_picture_handle = Some(up.handle);
            }
            let v = core
                .set_business_profile(n.id, input, Actor::Cli)
                .await
                .map_err(name_field)?;
            Output::ok(&v, view_text(&v))
        }
    }
}
