//! D-Bus errors named from the library's IMAPI names.
//!
//! `E_IMAPI_RECORDER_LOCKED` becomes `org.redburn.Redburn1.Error.RecorderLocked`: the `E_` and
//! `IMAPI_` prefixes and the writer's (`DF2TAO_`, `DF2RAW_`) go, the rest is CamelCase. The
//! message ends with the IMAPI name and HRESULT, so a caller that knows IMAPI finds its code.
//! `E_INVALIDARG` is the bus's own `org.freedesktop.DBus.Error.InvalidArgs`.

use zbus::message::{Header, Message};
use zbus::names::ErrorName;

/// The prefix of redburn's error names.
pub const ERROR_PREFIX: &str = "org.redburn.Redburn1.Error";

/// A failed call: its D-Bus error name and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    name: String,
    message: String,
}

impl ServiceError {
    /// An error named from an IMAPI name and HRESULT.
    pub fn imapi(imapi: &str, hresult: u32, message: impl std::fmt::Display) -> ServiceError {
        ServiceError { name: error_name(imapi), message: format!("{message} ({imapi}, 0x{hresult:08X})") }
    }

    /// From a library error.
    pub fn of(e: &impl redburn::Imapi) -> ServiceError {
        let (name, hresult) = e.imapi();
        ServiceError::imapi(name, hresult, e)
    }

    /// A wrong argument: the bus's InvalidArgs.
    pub fn invalid(message: impl Into<String>) -> ServiceError {
        ServiceError { name: "org.freedesktop.DBus.Error.InvalidArgs".into(), message: message.into() }
    }

    /// The error's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK` → `org.redburn.Redburn1.Error.MediaIsNotBlank`.
#[must_use]
pub fn error_name(imapi: &str) -> String {
    match imapi {
        "E_INVALIDARG" => return "org.freedesktop.DBus.Error.InvalidArgs".into(),
        "E_POINTER" => return "org.freedesktop.DBus.Error.InvalidArgs".into(),
        "E_ACCESSDENIED" => return "org.freedesktop.DBus.Error.AccessDenied".into(),
        _ => {}
    }
    // `HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)` is named by the Win32 error inside.
    let imapi = imapi
        .strip_prefix("HRESULT_FROM_WIN32(")
        .and_then(|r| r.strip_suffix(')'))
        .map_or(imapi, |w| w.strip_prefix("ERROR_").unwrap_or(w));
    let mut rest = imapi.strip_prefix("E_").or_else(|| imapi.strip_prefix("S_")).unwrap_or(imapi);
    rest = rest.strip_prefix("IMAPI_").unwrap_or(rest);
    for writer in ["DF2TAO_", "DF2RAW_", "DF2DAO_", "DF2DATA_"] {
        rest = rest.strip_prefix(writer).unwrap_or(rest);
    }
    let camel: String = rest
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase())
        })
        .collect();
    let camel =
        if camel.is_empty() || camel.starts_with(|c: char| c.is_ascii_digit()) { "Failed".into() } else { camel };
    format!("{ERROR_PREFIX}.{camel}")
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for ServiceError {}

impl From<zbus::Error> for ServiceError {
    fn from(e: zbus::Error) -> ServiceError {
        ServiceError { name: format!("{ERROR_PREFIX}.Failed"), message: e.to_string() }
    }
}

impl From<zbus::fdo::Error> for ServiceError {
    fn from(e: zbus::fdo::Error) -> ServiceError {
        ServiceError { name: format!("{ERROR_PREFIX}.Failed"), message: e.to_string() }
    }
}

impl zbus::DBusError for ServiceError {
    fn create_reply(&self, call: &Header<'_>) -> zbus::Result<Message> {
        Message::error(call, self.name())?.build(&(self.message.as_str(),))
    }

    fn name(&self) -> ErrorName<'_> {
        // Made only from the fixed prefix and ASCII letters: always a valid name.
        ErrorName::try_from(self.name.as_str())
            .unwrap_or_else(|_| ErrorName::from_static_str_unchecked("org.redburn.Redburn1.Error.Failed"))
    }

    fn description(&self) -> Option<&str> {
        Some(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imapi_names_become_dbus_error_names() {
        assert_eq!(error_name("E_IMAPI_RECORDER_LOCKED"), "org.redburn.Redburn1.Error.RecorderLocked");
        assert_eq!(error_name("E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK"), "org.redburn.Redburn1.Error.MediaIsNotBlank");
        assert_eq!(error_name("E_IMAPI_RECORDER_MEDIA_NO_MEDIA"), "org.redburn.Redburn1.Error.RecorderMediaNoMedia");
        assert_eq!(error_name("E_IMAPI_REQUEST_CANCELLED"), "org.redburn.Redburn1.Error.RequestCancelled");
        assert_eq!(error_name("E_FAIL"), "org.redburn.Redburn1.Error.Fail");
        assert_eq!(error_name("E_INVALIDARG"), "org.freedesktop.DBus.Error.InvalidArgs");
        assert_eq!(error_name("HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)"), "org.redburn.Redburn1.Error.DevNotExist");
        assert_eq!(error_name("E_IMAPI_WEIRD(1)"), "org.redburn.Redburn1.Error.Weird1");
        let e = ServiceError::imapi("E_IMAPI_RECORDER_LOCKED", 0xC0AA_0210, "emu:a is busy");
        assert_eq!(e.message(), "emu:a is busy (E_IMAPI_RECORDER_LOCKED, 0xC0AA0210)");
        assert!(ErrorName::try_from(e.name()).is_ok());
    }
}
