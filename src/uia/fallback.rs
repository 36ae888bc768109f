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
    let body = match state {
        FallbackState::Done => {
            format!("<p id=\"done\">{DONE}</p>\n<script>\n{SIGNAL_DONE}signalDone();\n</script>\n")
        }
        FallbackState::Form { .. } if stage_type == TLS_CLIENT_CERT => cert_explanation(session),
        FallbackState::Form { error } => form(stage_type, session, error),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Authentication</title>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
}

/// The certificate stage's wire name: its page explains instead of a form.
const TLS_CLIENT_CERT: &str = "io.stepup.tls_client_cert";

/// What the page shows once the stage is done.
const DONE: &str = "Authentication complete. You may close this window.";

/// Tells the client that opened the page: `window.onAuthDone()`, else an
/// `authDone` message to the opener (the Matrix fallback contract).
const SIGNAL_DONE: &str = "function signalDone() {\n\
  if (window.onAuthDone) { window.onAuthDone(); }\n\
  else if (window.opener && window.opener.postMessage) { window.opener.postMessage(\"authDone\", \"*\"); }\n\
}\n";

/// Sends the form as the JSON `auth` object the fallback URL takes (every
/// host parses JSON bodies, Telodendria included), then shows the outcome:
/// done when the answer lists the stage in `completed`, else its `error`.
/// Constant text: everything it reads comes from the DOM, never from a
/// string spliced into the script.
const SUBMIT: &str = "(function () {\n\
  var form = document.getElementById(\"stage-form\");\n\
  var error = document.getElementById(\"error\");\n\
  function fail(text) { error.textContent = text; error.hidden = false; }\n\
  form.addEventListener(\"submit\", function (event) {\n\
    event.preventDefault();\n\
    var stage = form.getAttribute(\"data-stage\");\n\
    var fields = form.elements;\n\
    var auth = { type: stage, session: fields.session.value };\n\
    if (fields.password) {\n\
      auth.identifier = { type: \"m.id.user\", user: fields.user.value };\n\
      auth.password = fields.password.value;\n\
    }\n\
    if (fields.token) { auth.token = fields.token.value; }\n\
    fetch(window.location.pathname, { method: \"POST\", credentials: \"omit\",\n\
        headers: { \"Content-Type\": \"application/json\" }, body: JSON.stringify({ auth: auth }) })\n\
      .then(function (response) { return response.json(); })\n\
      .then(function (answer) {\n\
        if ((answer.completed || []).indexOf(stage) >= 0) {\n\
          form.hidden = true; error.hidden = true;\n\
          document.getElementById(\"done\").hidden = false;\n\
          signalDone();\n\
        } else {\n\
          fail(answer.error || \"The step did not pass.\");\n\
        }\n\
      }, function () { fail(\"The server could not be reached.\"); });\n\
  });\n\
})();\n";

/// The form of a stage: the fields it needs, posted as JSON by [`SUBMIT`].
fn form(stage_type: &str, session: &str, error: Option<&str>) -> String {
    let stage = escape(stage_type);
    let session = escape(session);
    let (error, hidden) = match error {
        Some(e) => (escape(e), ""),
        None => (String::new(), " hidden"),
    };
    let fields = match stage_type {
        "m.login.password" => {
            "<p><label>User <input name=\"user\" autocomplete=\"username\"></label></p>\n\
             <p><label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\"></label></p>\n"
        }
        "m.login.registration_token" => {
            "<p><label>Registration token <input name=\"token\" autocomplete=\"off\"></label></p>\n"
        }
        _ => "",
    };
    format!(
        "<p>Complete the <code>{stage}</code> step to continue.</p>\n\
         <p id=\"error\" class=\"error\" role=\"alert\"{hidden}>{error}</p>\n\
         <form id=\"stage-form\" method=\"post\" data-stage=\"{stage}\">\n\
         <input type=\"hidden\" name=\"session\" value=\"{session}\">\n\
         {fields}<button type=\"submit\">Continue</button>\n</form>\n\
         <p id=\"done\" hidden>{DONE}</p>\n<script>\n{SIGNAL_DONE}{SUBMIT}</script>\n"
    )
}

/// The certificate stage cannot be done in a browser: say why, and what
/// can do it.
fn cert_explanation(session: &str) -> String {
    let session = escape(session);
    format!(
        "<p>The <code>{TLS_CLIENT_CERT}</code> step is done with a TLS client certificate, \
         which the server asks for on the connection that carries the request, through \
         TLS 1.3 post-handshake authentication.</p>\n\
         <p>Web browsers do not offer post-handshake authentication by default, and HTTP/2 \
         forbids it, so this page cannot complete the step. Send the request again from a \
         client that offers it over TLS 1.3 and HTTP/1.1, with a certificate the server \
         trusts: curl with <code>--tlsv1.3 --cert</code>, Python's <code>ssl</code> with \
         <code>post_handshake_auth = True</code>, or a program on GnuTLS (or stepup) \
         initialised with <code>GNUTLS_POST_HANDSHAKE_AUTH</code>, and with \
         <code>\"auth\": {{\"type\": \"{TLS_CLIENT_CERT}\", \"session\": \"{session}\"}}</code>. \
         Or choose another flow the server offers.</p>\n"
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
    fn the_script_is_constant_and_the_stage_reaches_it_through_the_dom() {
        let html = page(
            "m.login.registration_token",
            "</script><script>alert(1)</script>",
            FallbackState::Form { error: None },
        );
        // One script element, ours, and the session only as an escaped attribute.
        assert_eq!(html.matches("<script>").count(), 1);
        assert!(html.contains("value=\"&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""));
        assert!(html.contains("data-stage=\"m.login.registration_token\""));
        assert!(html.contains("name=\"token\""));
        assert!(html.contains(SUBMIT));
        assert!(html.contains("<p id=\"error\" class=\"error\" role=\"alert\" hidden></p>"));
    }

    #[test]
    fn the_certificate_stage_explains_instead_of_a_form() {
        let html = page(TLS_CLIENT_CERT, "<s>", FallbackState::Form { error: None });
        assert!(!html.contains("<form"));
        assert!(!html.contains("<script"));
        assert!(html.contains("post-handshake authentication"));
        assert!(html.contains("HTTP/2"));
        assert!(html.contains("&lt;s&gt;"));
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
