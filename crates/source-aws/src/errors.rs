//! Classifies a failed SDK call into the reason an UNKNOWN check reports: access denied,
//! throttled after retries, not available in the region, not supported by the endpoint (an
//! emulator lacking the API), or the error text.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// A failed call: the service's error code (empty when there is none), its message and the
/// classified reason.
#[derive(Clone, Debug)]
pub struct Failure {
    pub code: String,
    pub message: String,
    pub reason: String,
}

impl Failure {
    /// The message contains `needle`, ignoring case.
    pub fn says(&self, needle: &str) -> bool {
        self.message.to_ascii_lowercase().contains(&needle.to_ascii_lowercase())
    }

    pub fn code_starts_with(&self, prefix: &str) -> bool {
        self.code.starts_with(prefix)
    }
}

const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "AuthorizationErrorException",
    "Forbidden",
];

const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded",
    "PriorRequestNotComplete",
];

/// Codes of a region the account has not enabled, or a service absent from the region.
const NOT_IN_REGION: &[&str] = &[
    "OptInRequired",
    "SubscriptionRequiredException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "AuthFailure",
    "UnsupportedOperation",
];

/// Answers of an endpoint that does not implement the operation or the service.
const NOT_IMPLEMENTED: &[&str] =
    &["NotImplemented", "NotImplementedException", "UnknownOperationException", "InvalidAction", "UnknownOperation"];

/// Classifies `err`. `emulator`: a custom endpoint is set, so 404/501 answers, "not
/// implemented" errors and answers the SDK cannot read mean the endpoint lacks the API rather
/// than a real failure. `regional`: the call went to a regional endpoint.
pub fn classify<E>(err: &SdkError<E, HttpResponse>, emulator: bool, regional: bool) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = err.code().unwrap_or_default().to_string();
    let status = err.raw_response().map(|r| r.status().as_u16());
    let chain = error_chain(err);
    let message = err.message().map(String::from).unwrap_or_else(|| chain.clone());
    let answer = Answer {
        detail: if code.is_empty() { message.clone() } else { format!("{code}: {message}") },
        unreadable: code.is_empty() && matches!(err, SdkError::ServiceError(_) | SdkError::ResponseError(_)),
        transport: match err {
            SdkError::DispatchFailure(d) => Transport::Dispatch { io: d.is_io() },
            SdkError::TimeoutError(_) => Transport::Timeout,
            _ => Transport::Answered,
        },
        code: &code,
        status,
        message: &message,
    };
    let reason = answer.reason(emulator, regional);
    Failure { code, message, reason }
}

/// The error and its sources, without the SDK's generic layers, at most 300 characters.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !matches!(
            text.as_str(),
            "service error" | "unhandled error" | "response error" | "dispatch failure" | "io error"
        ) && !parts.contains(&text)
        {
            parts.push(text);
        }
        next = e.source();
    }
    let joined = parts.join(": ");
    let first_line = joined.lines().next().unwrap_or_default();
    first_line.chars().take(300).collect()
}

#[derive(Clone, Copy)]
enum Transport {
    Dispatch { io: bool },
    Timeout,
    Answered,
}

struct Answer<'a> {
    code: &'a str,
    status: Option<u16>,
    message: &'a str,
    detail: String,
    /// The SDK could not read the answer (no error code in it).
    unreadable: bool,
    transport: Transport,
}

impl Answer<'_> {
    /// The detail, with the HTTP status when the answer had no error code.
    fn with_status(&self) -> String {
        match self.status {
            Some(s) if self.code.is_empty() => format!("HTTP {s}: {}", self.detail),
            _ => self.detail.clone(),
        }
    }

    fn reason(&self, emulator: bool, regional: bool) -> String {
        let (code, status) = (self.code, self.status);
        if THROTTLED.contains(&code) || status == Some(429) {
            return format!("throttled after retries: {}", self.detail);
        }
        if emulator && (self.unreadable || not_implemented(code, status, self.message)) {
            return format!("not supported by this endpoint: {}", self.with_status());
        }
        if ACCESS_DENIED.contains(&code) || (code.is_empty() && status == Some(403)) {
            let detail = if code.starts_with("AccessDenied") { self.message.to_string() } else { self.detail.clone() };
            return format!("AccessDenied: {detail}");
        }
        if regional && NOT_IN_REGION.contains(&code) {
            return format!("not available in this region: {}", self.detail);
        }
        match self.transport {
            Transport::Dispatch { io } => {
                if regional && !emulator && io && self.detail.to_ascii_lowercase().contains("dns") {
                    return format!("not available in this region: no endpoint resolves: {}", self.detail);
                }
                format!("request failed: {}", self.detail)
            }
            Transport::Timeout => format!("timed out: {}", self.detail),
            Transport::Answered if self.unreadable => format!("unreadable answer: {}", self.with_status()),
            Transport::Answered => self.detail.clone(),
        }
    }
}

fn not_implemented(code: &str, status: Option<u16>, message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    NOT_IMPLEMENTED.contains(&code)
        || matches!(status, Some(501) | Some(405))
        || (status == Some(404) && (code.is_empty() || code == "NotFound" || code == "404"))
        || lower.contains("not yet implemented")
        || lower.contains("has not been implemented")
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn answer(code: Option<&str>, message: &str, status: u16) -> SdkError<AssumeRoleError, HttpResponse> {
        let mut meta = ErrorMetadata::builder().message(message);
        if let Some(code) = code {
            meta = meta.code(code);
        }
        let raw = Response::new(StatusCode::try_from(status).unwrap(), SdkBody::empty());
        SdkError::service_error(AssumeRoleError::generic(meta.build()), raw)
    }

    fn reason(err: SdkError<AssumeRoleError, HttpResponse>, emulator: bool, regional: bool) -> String {
        classify(&err, emulator, regional).reason
    }

    #[test]
    fn access_denied() {
        let denied = || answer(Some("AccessDenied"), "not authorized to perform sts:AssumeRole", 403);
        assert_eq!(reason(denied(), false, false), "AccessDenied: not authorized to perform sts:AssumeRole");
        assert_eq!(reason(denied(), true, true), "AccessDenied: not authorized to perform sts:AssumeRole");
        assert_eq!(
            reason(answer(Some("UnauthorizedOperation"), "You are not authorized", 403), false, true),
            "AccessDenied: UnauthorizedOperation: You are not authorized"
        );
    }

    #[test]
    fn throttled_and_regions() {
        assert_eq!(
            reason(answer(Some("ThrottlingException"), "Rate exceeded", 400), false, true),
            "throttled after retries: ThrottlingException: Rate exceeded"
        );
        assert_eq!(
            reason(answer(Some("OptInRequired"), "not subscribed", 401), false, true),
            "not available in this region: OptInRequired: not subscribed"
        );
        assert_eq!(
            reason(answer(Some("OptInRequired"), "not subscribed", 401), false, false),
            "OptInRequired: not subscribed"
        );
    }

    #[test]
    fn emulator_gaps() {
        assert_eq!(
            reason(answer(None, "<html>Not Found</html>", 404), true, true),
            "not supported by this endpoint: HTTP 404: <html>Not Found</html>"
        );
        assert_eq!(
            reason(answer(Some("InvalidAction"), "no such action", 400), true, true),
            "not supported by this endpoint: InvalidAction: no such action"
        );
        assert_eq!(reason(answer(None, "garbage", 500), false, true), "unreadable answer: HTTP 500: garbage");
        assert_eq!(reason(answer(Some("ValidationError"), "bad input", 400), true, true), "ValidationError: bad input");
    }
}
