//! The fallback page for `GET /_matrix/client/v3/auth/{type}/fallback/web`:
//! a page a client opens in a browser when it cannot do a stage itself. On
//! submit the page posts to the same URL; when the stage is done it tells the
//! client (`window.onAuthDone()`, or a `authDone` message to its opener).
//! Everything echoed into the page is escaped.

use super::registry::StageKind;

/// The stage of a fallback-page path
/// (`/_matrix/client/{v3,r0}/auth/{type}/fallback/web`), if `path` is one.
pub fn stage_of_path(path: &str) -> Option<StageKind> {
    let rest = path
        .strip_prefix("/_matrix/client/v3/auth/")
        .or_else(|| path.strip_prefix("/_matrix/client/r0/auth/"))?;
    StageKind::from_wire(rest.strip_suffix("/fallback/web")?)
}

/// What the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallbackState<'a> {
    /// The stage is not done: show the form, with an error from the last try.
    Form {
        /// The error to show, if the last attempt failed.
        error: Option<&'a str>,
    },
    /// The stage is done: tell the client.
    Done,
}

/// The HTML page for `stage_type` in `session`.
pub fn page(stage_type: &str, session: &str, state: FallbackState<'_>) -> String {
    let stage = escape(stage_type);
    let session = escape(session);
    let body = match state {
        FallbackState::Done => "<p>Authentication complete. You may close this window.</p>\n\
             <script>\nif (window.onAuthDone) { window.onAuthDone(); }\n\
             else if (window.opener && window.opener.postMessage) { window.opener.postMessage(\"authDone\", \"*\"); }\n\
             </script>\n"
            .to_owned(),
        FallbackState::Form { error } => {
            let error = error.map(|e| format!("<p class=\"error\">{}</p>\n", escape(e))).unwrap_or_default();
            let password = if stage_type == "m.login.password" {
                "<label>User <input name=\"user\" autocomplete=\"username\"></label>\n\
                 <label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\"></label>\n"
            } else {
                ""
            };
            format!(
                "<p>Complete the <code>{stage}</code> step to continue.</p>\n{error}\
                 <form method=\"post\">\n<input type=\"hidden\" name=\"session\" value=\"{session}\">\n\
                 {password}<button type=\"submit\">Continue</button>\n</form>\n"
            )
        }
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>Authentication</title>\n</head>\n\
         <body>\n{body}</body>\n</html>\n"
    )
}

/// Escapes text for HTML content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_fallback_paths() {
        assert_eq!(
            stage_of_path("/_matrix/client/v3/auth/m.login.password/fallback/web"),
            Some(StageKind::Password)
        );
        assert_eq!(
            stage_of_path("/_matrix/client/r0/auth/m.login.terms/fallback/web"),
            Some(StageKind::Terms)
        );
        assert_eq!(stage_of_path("/_matrix/client/v3/register"), None);
        assert_eq!(stage_of_path("/_matrix/client/v3/auth//fallback/web"), None);
    }

    #[test]
    fn escapes_everything_it_echoes() {
        let html = page(
            "x<script>",
            "\"><img src=x onerror=alert(1)>",
            FallbackState::Form { error: Some("<b>") },
        );
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("x<script>"));
        assert!(html.contains("&lt;b&gt;"));
        assert!(html.contains("&quot;&gt;&lt;img"));
    }

    #[test]
    fn done_page_signals_the_client() {
        let html = page("m.login.terms", "abc", FallbackState::Done);
        assert!(html.contains("onAuthDone"));
        assert!(html.contains("authDone"));
    }

    #[test]
    fn password_form_asks_for_a_password() {
        assert!(
            page("m.login.password", "s", FallbackState::Form { error: None })
                .contains("type=\"password\"")
        );
        assert!(
            !page("m.login.terms", "s", FallbackState::Form { error: None })
                .contains("type=\"password\"")
        );
    }
}
