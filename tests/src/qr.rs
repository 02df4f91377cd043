//! The QR-code login as the journeys see it: the code the page shows, scanned for real (the
//! `img`'s SVG rasterised with resvg, then read with rqrr: proof that the code scans, not only
//! that a payload is somewhere in the page), the two digits beside it, and a phone enrolled
//! beforehand (`sesame_demo::phone::Phone`, over HTTP, as the app on a person's phone).
//!
//! The step's hooks come from the widget's DOM contract (`sesame_widget::dom`): the step is a
//! `section` with `data-state` ([`state`]), the code an `img` whose `src` is
//! `data:image/svg+xml,` + the percent-encoded SVG, present only while it can be approved.

use crate::harness::{Portal, Session};
use crate::journey::API;
use anyhow::{bail, ensure, Context, Result};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use sesame_core::api::{paths, CSRF_HEADER};
use sesame_core::qr::QrEnrolment;
use sesame_demo::phone::Phone;
use sesame_demo::seed::DemoAccount;
use sesame_widget::dom::{self, action, class, widget};

/// The app PIN the journeys' phones are enrolled with: four digits that are not guessable
/// (core refuses 1234, 0000, dates…).
pub const PIN: &str = "4821";

/// The `src` prefix of the code's `img`: an SVG as a `data:` URL, percent-encoded.
pub const SVG_DATA_URL: &str = "data:image/svg+xml";

/// The smallest side, in pixels, the code is rasterised at before it is read.
const RASTER_MIN_SIDE: f32 = 400.0;

/// The step's `data-state` values (the widget's contract).
pub mod state {
    /// Asking the portal for a code.
    pub const LOADING: &str = "loading";
    /// A code to scan.
    pub const SHOWING: &str = "showing";
    /// The code expired; a new one is being asked for.
    pub const RENEWING: &str = "renewing";
    /// The phone declined.
    pub const DECLINED: &str = "declined";
    /// The code expired and was not renewed (after the automatic renewals).
    pub const EXPIRED: &str = "expired";
    /// Approved: the session follows.
    pub const APPROVED: &str = "approved";
    /// Something failed.
    pub const FAILED: &str = "failed";
}

/// The QR step (`section[data-state]`).
pub fn step() -> String {
    widget(&dom::class(class::QR))
}

/// The code to scan (`img`).
pub fn code_image() -> String {
    widget(&format!("img{}", dom::class(class::QR_CODE)))
}

/// The two digits to pick on the phone.
pub fn digits() -> String {
    widget(&dom::class(class::QR_DIGITS))
}

/// The step's polite status.
pub fn status() -> String {
    widget(&dom::class(class::QR_STATUS))
}

/// "Renew the QR code".
pub fn renew() -> String {
    widget(&dom::action(action::QR_RENEW))
}

/// A code as the page shows it: the `img`'s `src`, the payload read from it, the two digits
/// beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownCode {
    /// The `img`'s `src`.
    pub src: String,
    /// What the code says (`sesame-qr://…`), as a phone's camera reads it.
    pub payload: String,
    /// The two digits the page shows beside it.
    pub digits: String,
}

/// Reads the payload of the QR code an `img` shows, from its `src`
/// (`data:image/svg+xml,<percent-encoded SVG>`): percent-decodes the SVG, rasterises it
/// (resvg, on white, at least [`RASTER_MIN_SIDE`] pixels a side) and reads it (rqrr). Fails
/// unless exactly one code is found and reads.
pub fn decode_qr_image(src: &str) -> Result<String> {
    let rest = src.strip_prefix(SVG_DATA_URL).with_context(|| {
        format!(
            "the code's src is not an SVG data URL: {:?}",
            src.chars().take(60).collect::<String>()
        )
    })?;
    let (parameters, encoded) = rest
        .split_once(',')
        .context("the code's data URL has no ','")?;
    ensure!(
        !parameters.contains(";base64"),
        "the code's data URL is base64; the contract says percent-encoded"
    );
    let svg = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .context("the code's SVG, percent-decoded, is not UTF-8")?;
    decode_qr_svg(&svg)
}

/// Reads the payload of the QR code an SVG draws (see [`decode_qr_image`]).
pub fn decode_qr_svg(svg: &str) -> Result<String> {
    use resvg::{tiny_skia, usvg};
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default())
        .context("the code's SVG does not parse")?;
    let size = tree.size();
    ensure!(
        size.width() > 0.0 && size.height() > 0.0,
        "the code's SVG is empty"
    );
    let scale = (RASTER_MIN_SIDE / size.width().min(size.height())).max(1.0);
    let (width, height) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap =
        tiny_skia::Pixmap::new(width, height).context("no pixmap of the code's size")?;
    // On white, as on a screen: transparent pixels would read as black.
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let (w, h) = (width as usize, height as usize);
    let pixels = pixmap.data();
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        let i = 4 * (y * w + x);
        let (r, g, b) = (
            u32::from(pixels[i]),
            u32::from(pixels[i + 1]),
            u32::from(pixels[i + 2]),
        );
        // Rec. 601 luma; opaque pixels (on white), so no un-premultiplying.
        ((299 * r + 587 * g + 114 * b) / 1000) as u8
    });
    let grids = image.detect_grids();
    ensure!(
        grids.len() == 1,
        "{} QR codes found in the image, expected one",
        grids.len()
    );
    let (_, text) = grids[0]
        .decode()
        .map_err(|e| anyhow::anyhow!("the QR code does not read: {e:?}"))?;
    Ok(text)
}

/// The two ASCII digits of a text (the digits beside the code); fails unless there are
/// exactly two.
pub fn two_digits(text: &str) -> Result<String> {
    let found: String = text.chars().filter(char::is_ascii_digit).collect();
    ensure!(
        found.len() == 2,
        "expected two digits beside the code, found {found:?} in {text:?}"
    );
    Ok(found)
}

/// The step's `data-state` now (`None` when the step is not shown).
pub async fn current_state(s: &Session) -> Result<Option<String>> {
    let found = s.client.find_all(fantoccini::Locator::Css(&step())).await?;
    match found.first() {
        Some(section) => Ok(section.attr("data-state").await?),
        None => Ok(None),
    }
}

/// Waits until the step's `data-state` is `wanted` (one of [`state`]).
pub async fn wait_for_state(s: &Session, wanted: &str) -> Result<()> {
    let mut last = None;
    s.wait_until(&format!("the QR step in state {wanted:?}"), async || {
        last = current_state(s).await?;
        Ok((last.as_deref() == Some(wanted)).then_some(()))
    })
    .await
    .with_context(|| format!("the QR step stayed in state {last:?}"))
}

/// The `src` and digits' text of the code the page shows now (the step in state `showing`),
/// read in one script — one turn of the page's event loop: state, image and digits always
/// belong to the same code; `None` while no code is shown.
async fn read_shown(s: &Session) -> Result<Option<(String, String)>> {
    let found = s
        .client
        .execute(
            "const [step, img, digits] = [arguments[0], arguments[1], arguments[2]]\
                 .map(css => document.querySelector(css));\
             if (!step || step.dataset.state !== arguments[3] || !img || !digits) {\
                 return null;\
             }\
             return [img.getAttribute('src') || '', digits.textContent || ''];",
            vec![
                Value::from(step()),
                Value::from(code_image()),
                Value::from(digits()),
                Value::from(state::SHOWING),
            ],
        )
        .await
        .context("reading the code and digits shown")?;
    match found {
        Value::Null => Ok(None),
        Value::Array(pair) => match pair.as_slice() {
            [Value::String(src), Value::String(text)] if !src.is_empty() => {
                Ok(Some((src.clone(), text.clone())))
            }
            _ => Ok(None),
        },
        other => bail!("reading the code shown answered {other}"),
    }
}

/// Waits until the page shows a code (in state `showing`) whose `src` is not `except`'s (any
/// code when `None`); scans it and reads the digits beside it.
pub async fn wait_for_code(s: &Session, except: Option<&ShownCode>) -> Result<ShownCode> {
    let (src, text) = s
        .wait_until(
            if except.is_some() {
                "a new QR code is shown"
            } else {
                "a QR code is shown"
            },
            async || {
                Ok(read_shown(s)
                    .await?
                    .filter(|(src, _)| except.is_none_or(|old| &old.src != src)))
            },
        )
        .await?;
    let payload = decode_qr_image(&src).context("scanning the code shown")?;
    let digits = two_digits(&text)?;
    Ok(ShownCode {
        src,
        payload,
        digits,
    })
}

/// The code the page shows (waiting for one): scanned, with its digits.
pub async fn shown_code(s: &Session) -> Result<ShownCode> {
    wait_for_code(s, None).await
}

/// The next code the page shows after `previous` (a renewal): scanned, with its digits.
pub async fn next_code(s: &Session, previous: &ShownCode) -> Result<ShownCode> {
    wait_for_code(s, Some(previous)).await
}

/// An answer of the portal's API, read whole.
#[derive(Debug, Clone)]
pub struct ApiAnswer {
    /// Its status.
    pub status: http::StatusCode,
    /// Its `Set-Cookie` values.
    pub cookies: Vec<String>,
    /// Its body.
    pub body: Vec<u8>,
}

impl ApiAnswer {
    /// The `name=value` pair of the cookie `name` it sets, if any.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .filter_map(|c| c.split(';').next())
            .find(|pair| pair.split_once('=').is_some_and(|(n, _)| n.trim() == name))
            .map(|pair| pair.trim().to_owned())
    }

    /// The body, which must be JSON of `T` after a 200.
    pub fn json<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T> {
        ensure!(
            self.status == http::StatusCode::OK,
            "{what} answered {}: {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        serde_json::from_slice(&self.body).with_context(|| {
            format!(
                "{what} answered JSON of another shape: {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// `POST {API}{path}` as a script of the portal's own page would send it (the CSRF header, no
/// `Origin`), with the JSON `body` (empty for none) and `cookie` (`name=value`).
pub async fn api_post(
    portal: &Portal,
    path: &str,
    body: String,
    cookie: Option<&str>,
) -> Result<ApiAnswer> {
    let client = Client::builder(TokioExecutor::new()).build_http::<String>();
    let url = portal.url(&format!("{API}{path}"));
    let mut request = http::Request::post(&url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(CSRF_HEADER, "1");
    if let Some(cookie) = cookie {
        request = request.header(http::header::COOKIE, cookie);
    }
    let response = client
        .request(request.body(body)?)
        .await
        .with_context(|| format!("POST {url}"))?;
    let (parts, body) = response.into_parts();
    let cookies = parts
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect();
    let body = body
        .collect()
        .await
        .with_context(|| format!("POST {url}: reading the body"))?
        .to_bytes()
        .to_vec();
    Ok(ApiAnswer {
        status: parts.status,
        cookies,
        body,
    })
}

/// A phone enrolled for `who` with `pin`, as a person enrols theirs: logs in with the
/// password over HTTP (`POST /api/login/password`), asks for an enrolment code with that
/// session (`POST /api/phone/enrolment`), and the phone enrols with its payload.
pub async fn enrolled_phone(portal: &Portal, who: &DemoAccount, pin: &str) -> Result<Phone> {
    let login = serde_json::json!({
        "portal": who.portal,
        "identifier": who.identifier,
        "password": who.password,
    });
    let answer = api_post(portal, paths::LOGIN_PASSWORD, login.to_string(), None).await?;
    let _: Value = answer.json(&format!("the password login of {}", who.identifier))?;
    let name = sesame_demo::session::cookie_name(true);
    let session = answer.cookie(name).with_context(|| {
        format!(
            "no {name} cookie in the login's answer: {:?}",
            answer.cookies
        )
    })?;
    let enrolment: QrEnrolment = api_post(
        portal,
        paths::PHONE_ENROLMENT,
        String::new(),
        Some(&session),
    )
    .await?
    .json("the enrolment code")?;
    let mut phone = Phone::new()?;
    let device = phone
        .enrol(&enrolment.payload, pin)
        .await
        .map_err(|e| anyhow::anyhow!("enrolling the phone: {e}"))?;
    ensure!(
        device.identifier == who.identifier && device.portal.as_str() == who.portal,
        "the phone was enrolled for {} on {}, expected {} on {}",
        device.identifier,
        device.portal.as_str(),
        who.identifier,
        who.portal
    );
    Ok(phone)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `encodeURIComponent`: everything but `A–Z a–z 0–9 - _ . ! ~ * ' ( )` percent-encoded.
    fn encode_uri_component(text: &str) -> String {
        const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'!')
            .remove(b'~')
            .remove(b'*')
            .remove(b'\'')
            .remove(b'(')
            .remove(b')');
        percent_encoding::utf8_percent_encode(text, KEEP).to_string()
    }

    #[test]
    fn the_demos_code_scans_from_the_img_src_the_widget_builds() {
        let payload = sesame_core::qr::QrPayload::login(
            "http://127.0.0.1:8080",
            "/api",
            &"k".repeat(sesame_core::qr::b64_len(sesame_core::qr::KEY_BYTES)),
            &"c".repeat(sesame_core::qr::b64_len(sesame_core::qr::CHALLENGE_BYTES)),
        );
        let svg = sesame_demo::qr::svg(&payload).expect("the demo renders the code");
        let src = format!("{SVG_DATA_URL},{}", encode_uri_component(&svg));
        assert_eq!(decode_qr_image(&src).expect("it scans"), payload);
        assert_eq!(decode_qr_svg(&svg).expect("it scans"), payload);
    }

    #[test]
    fn what_is_not_a_code_is_refused() {
        assert!(decode_qr_image("data:image/png;base64,AAAA").is_err());
        assert!(decode_qr_image("data:image/svg+xml;base64,PHN2Zz4=").is_err());
        let blank = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="#fff"/></svg>"##;
        assert!(decode_qr_svg(blank).is_err());
    }

    #[test]
    fn the_two_digits_are_read_from_the_text() {
        assert_eq!(two_digits("47").unwrap(), "47");
        assert_eq!(two_digits("Chiffres\u{a0}: 4 7").unwrap(), "47");
        assert!(two_digits("4").is_err());
        assert!(two_digits("47 (30 s)").is_err());
    }
}
