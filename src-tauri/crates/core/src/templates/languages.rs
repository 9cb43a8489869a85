//! Meta's template language codes and names, and the fixed texts of authentication templates
//! (Meta writes their body and footer; the app only shows them in previews).

/// Every template language Meta offers: (code, English name).
pub const LANGUAGES: &[(&str, &str)] = &[
    ("af", "Afrikaans"),
    ("sq", "Albanian"),
    ("ar", "Arabic"),
    ("ar_EG", "Arabic (Egypt)"),
    ("ar_AE", "Arabic (UAE)"),
    ("ar_LB", "Arabic (Lebanon)"),
    ("ar_MA", "Arabic (Morocco)"),
    ("ar_QA", "Arabic (Qatar)"),
    ("az", "Azerbaijani"),
    ("be_BY", "Belarusian"),
    ("bn", "Bengali"),
    ("bn_IN", "Bengali (India)"),
    ("bg", "Bulgarian"),
    ("ca", "Catalan"),
    ("zh_CN", "Chinese (China)"),
    ("zh_HK", "Chinese (Hong Kong)"),
    ("zh_TW", "Chinese (Taiwan)"),
    ("hr", "Croatian"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("prs_AF", "Dari"),
    ("nl", "Dutch"),
    ("nl_BE", "Dutch (Belgium)"),
    ("en", "English"),
    ("en_GB", "English (UK)"),
    ("en_US", "English (US)"),
    ("en_AE", "English (UAE)"),
    ("en_AU", "English (Australia)"),
    ("en_CA", "English (Canada)"),
    ("en_GH", "English (Ghana)"),
    ("en_IE", "English (Ireland)"),
    ("en_IN", "English (India)"),
    ("en_JM", "English (Jamaica)"),
    ("en_MY", "English (Malaysia)"),
    ("en_NZ", "English (New Zealand)"),
    ("en_QA", "English (Qatar)"),
    ("en_SG", "English (Singapore)"),
    ("en_UG", "English (Uganda)"),
    ("en_ZA", "English (South Africa)"),
    ("et", "Estonian"),
    ("fil", "Filipino"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("fr_BE", "French (Belgium)"),
    ("fr_CA", "French (Canada)"),
    ("fr_CH", "French (Switzerland)"),
    ("fr_CI", "French (Ivory Coast)"),
    ("fr_MA", "French (Morocco)"),
    ("ka", "Georgian"),
    ("de", "German"),
    ("de_AT", "German (Austria)"),
    ("de_CH", "German (Switzerland)"),
    ("el", "Greek"),
    ("gu", "Gujarati"),
    ("ha", "Hausa"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("id", "Indonesian"),
    ("ga", "Irish"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("kn", "Kannada"),
    ("kk", "Kazakh"),
    ("rw_RW", "Kinyarwanda"),
    ("ko", "Korean"),
    ("ky_KG", "Kyrgyz"),
    ("lo", "Lao"),
    ("lv", "Latvian"),
    ("lt", "Lithuanian"),
    ("mk", "Macedonian"),
    ("ms", "Malay"),
    ("ml", "Malayalam"),
    ("mr", "Marathi"),
    ("nb", "Norwegian"),
    ("ps_AF", "Pashto"),
    ("fa", "Persian"),
    ("pl", "Polish"),
    ("pt_BR", "Portuguese (Brazil)"),
    ("pt_PT", "Portuguese (Portugal)"),
    ("pa", "Punjabi"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sr", "Serbian"),
    ("si_LK", "Sinhala"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("es", "Spanish"),
    ("es_AR", "Spanish (Argentina)"),
    ("es_CL", "Spanish (Chile)"),
    ("es_CO", "Spanish (Colombia)"),
    ("es_CR", "Spanish (Costa Rica)"),
    ("es_DO", "Spanish (Dominican Republic)"),
    ("es_EC", "Spanish (Ecuador)"),
    ("es_HN", "Spanish (Honduras)"),
    ("es_MX", "Spanish (Mexico)"),
    ("es_PA", "Spanish (Panama)"),
    ("es_PE", "Spanish (Peru)"),
    ("es_ES", "Spanish (Spain)"),
    ("es_UY", "Spanish (Uruguay)"),
    ("sw", "Swahili"),
    ("sv", "Swedish"),
    ("ta", "Tamil"),
    ("te", "Telugu"),
    ("th", "Thai"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("uz", "Uzbek"),
    ("vi", "Vietnamese"),
    ("zu", "Zulu"),
];

/// The name of a language code, when Meta offers it.
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The body Meta writes for an authentication template; `{{1}}` is the code.
pub const AUTH_BODY: &str = "*{{1}}* is your verification code.";
/// Appended to the body when the template adds the security recommendation.
pub const AUTH_SECURITY_RECOMMENDATION: &str = "For your security, do not share this code.";
/// The footer when the template sets a code expiry; `{{minutes}}` is the number of minutes.
pub const AUTH_EXPIRY_FOOTER: &str = "This code expires in {{minutes}} minutes.";
/// The code shown in previews.
pub const AUTH_SAMPLE_CODE: &str = "123456";
/// The code expiry Meta accepts, in minutes.
pub const AUTH_EXPIRY_MINUTES: std::ops::RangeInclusive<u32> = 1..=90;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_named() {
        let mut codes: Vec<&str> = LANGUAGES.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "no code twice");
        assert_eq!(language_name("pt_BR"), Some("Portuguese (Brazil)"));
        assert_eq!(language_name("xx"), None);
        for (c, _) in LANGUAGES {
            let issues = crate::templates::lint(&serde_json::json!({
                "name": "a", "category": "UTILITY", "language": c,
                "components": [{"type": "BODY", "text": "Hi"}]
            }));
            assert!(issues.is_empty(), "{c}: {issues:?}");
        }
    }
}
